"""The demo that `sluice demo` loads: a small shop's data and a `demo` module of APIs.

`shop` generates the data (the same rows on every run), `fill` writes it into a database
through a connector, `definitions` holds the demo's macro and APIs, `sources` reads the
`--source NAME=URL` databases, `load` applies all of it through the services (creating
only what is missing, so a second run changes nothing), and `printout` says what was done
and how to call the APIs.
"""
