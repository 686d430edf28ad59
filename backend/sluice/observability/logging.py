"""JSON logs, one object per line, each carrying the request id of the request it serves."""

import logging
import logging.config
from typing import Any

from asgi_correlation_id import CorrelationIdFilter
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def log_config(level: str) -> dict[str, Any]:
    """A dictConfig for our loggers and uvicorn's, used by `sluice serve` and create_app."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": CorrelationIdFilter, "uuid_length": 36, "default_value": None}
        },
        "formatters": {
            "json": {
                "()": JsonFormatter,
                "fmt": FORMAT,
                "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
                "rename_fields": {
                    "asctime": "time",
                    "levelname": "level",
                    "name": "logger",
                    "correlation_id": "request_id",
                },
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "loggers": {
            "sluice": {"handlers": ["console"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["console"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def configure_logging(level: str) -> None:
    logging.config.dictConfig(log_config(level))
