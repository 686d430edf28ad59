"""Engines: a published version plus coerced parameters in, a result out.

`engines.params` turns raw request values into typed parameters; `engines.sql` renders
a SQL template into statements with bound values. Nothing here knows HTTP, the app
store or a database driver.
"""
