"""The only code that imports database drivers. Nothing above it sees a driver object."""
