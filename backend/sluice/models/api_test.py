"""An API's test cases: parameters to run it with, and what the answer must be.

A test case belongs to its API (deleted with it) and is run against the draft, the live
version, or the content a publish or restore is about to make live. Its shape is fixed,
because export files carry it as written here:
`{"name", "params", "client_id", "expect": {"status", "code", "rows", "rows_min",
"rows_max", "fields": [{"row", "field", "equals"}], "schema", "max_ms"}}`.
"""

from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import JSON, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from sluice.json_bounds import check_json
from sluice.json_schema import Schema, check_schema
from sluice.models.fields import JsonObject, JsonValue, RowId, StoredJsonObject
from sluice.models.user import utcnow

NAME_MAX = 100
MAX_FIELD_CHECKS = 100
MAX_ROW_INDEX = 1_000_000
MAX_COUNT = 2**31 - 1
MAX_MS = 3_600_000
MAX_SELECTED_TESTS = 1_000


class FieldCheck(BaseModel):
    """The value one field must hold in one row (rows count from 0)."""

    model_config = ConfigDict(extra="forbid")

    row: int = PydanticField(ge=0, le=MAX_ROW_INDEX)
    field: str = PydanticField(min_length=1, max_length=255)
    equals: JsonValue


class Expectation(BaseModel):
    """What a run must answer. Every part is optional; with neither `status` nor `code`
    the run must succeed (200). Unknown keys are refused: a misspelt expectation would
    otherwise make a test that checks nothing."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    status: int | None = PydanticField(default=None, ge=100, le=599)
    """The HTTP status the gateway would answer."""
    code: str | None = PydanticField(default=None, pattern=r"^[a-z][a-z0-9_]{0,63}$")
    """The gateway's error code (`bad_request`, `datasource_error`...)."""
    rows: int | None = PydanticField(default=None, ge=0, le=MAX_COUNT)
    rows_min: int | None = PydanticField(default=None, ge=0, le=MAX_COUNT)
    rows_max: int | None = PydanticField(default=None, ge=0, le=MAX_COUNT)
    fields: list[FieldCheck] = PydanticField(default_factory=list, max_length=MAX_FIELD_CHECKS)
    json_schema: Schema | None = PydanticField(default=None, alias="schema")
    """A JSON Schema the answer's `data` must match (`schema` in JSON)."""
    max_ms: int | None = PydanticField(default=None, ge=1, le=MAX_MS)

    @field_validator("json_schema")
    @classmethod
    def _schema(cls, schema: Schema | None) -> Schema | None:
        return None if schema is None else check_schema(check_json(schema))

    @model_validator(mode="after")
    def _range(self) -> Self:
        low, high = self.rows_min, self.rows_max
        if low is not None and high is not None and low > high:
            raise ValueError("rows_min is greater than rows_max")
        check_json(self.model_dump(mode="json"))
        return self


class ApiTestFields(SQLModel):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    params: JsonObject = Field(default_factory=dict)
    """Parameter values as a debug run takes them."""
    client_id: RowId | None = None
    """The client (row id) whose attributes the API sees, as in a call by that client."""
    expect: Expectation = Field(default_factory=Expectation)


class ApiTestCreate(ApiTestFields):
    pass


class ApiTestUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    params: JsonObject | None = None
    client_id: RowId | None = None
    expect: Expectation | None = None


class ApiTest(SQLModel, table=True):
    __tablename__ = "api_test"
    __table_args__ = (UniqueConstraint("api_id", "name", name="uq_api_test_name"),)

    id: int | None = Field(default=None, primary_key=True)
    api_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("api.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    name: str = Field(max_length=NAME_MAX)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    client_id: int | None = None
    """Not a foreign key: a test whose client was deleted fails saying so, rather than
    quietly running as nobody."""
    expect: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ApiTestPublic(SQLModel):
    id: int
    api_id: int
    name: str
    params: StoredJsonObject
    client_id: int | None
    expect: Expectation
    created_at: datetime
    updated_at: datetime


class ApiTestsPublic(SQLModel):
    data: list[ApiTestPublic]
    count: int


ExpectationName = Literal[
    "run", "client", "status", "code", "rows", "rows_min", "rows_max", "fields", "schema", "max_ms"
]


class Failure(BaseModel):
    """One expectation the run did not meet. `run` and `client` are not expectations of
    the test but reasons it could not run as asked (the draft does not compile, a write
    could not be rolled back, the client is gone): they fail it whatever it expects."""

    expectation: ExpectationName
    expected: Any = None
    got: Any = None
    message: str


class CaseResult(BaseModel):
    test_id: int
    name: str
    api_id: int
    api_name: str
    module: str
    passed: bool
    status: int
    """What the gateway would answer: 200 for a success, else the error's status."""
    code: str | None
    """The gateway's error code; null for a success."""
    duration_ms: float
    failures: list[Failure] = []


class RunReport(BaseModel):
    passed: int
    failed: int
    results: list[CaseResult]


class GateReport(RunReport):
    """The tests a gated publish or restore ran (or was forced past)."""

    forced: bool = False
    note: str | None = None
    """Said when nothing held the publish (no test case) or it was forced."""


class RunRequest(SQLModel):
    """Which of one API's tests to run, against its draft or its live version."""

    published: bool = False
    test_ids: list[RowId] | None = Field(default=None, max_length=MAX_SELECTED_TESTS)
    """Only these (all when null)."""


class RunAllRequest(SQLModel):
    """Every test of every API, or of one module or one API."""

    module: str | None = Field(default=None, min_length=1, max_length=63)
    api_id: RowId | None = None
    published: bool = False
    """Run the live versions (APIs not published are left out) instead of the drafts."""
