"""The local SQLite file: opening it (plain or SQLCipher), migrations, FTS, the sync schema.

sqlite-utils serves the table-shaped utilities, introspection above all (`Store.db`, loaded
on first use; `kenttä doctor` reads tables, counts and indexes through it); every hot path
(lists, search, the write path through kenttä_sync's replica, migrations) stays raw SQL.
"""
