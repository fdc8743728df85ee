"""Services: what the app does, below the UI and above the store. No Textual here.

Rooms (each package's __init__ says what it offers and exports its public names lazily):
    clients     the client record, notes, assessments, plans, drafts
    employers   employers, company visits, placements
    vouchers    service vouchers; vouchers.budgets: the voucher budgets held by escrow
    privacy     audit trail, erasure, subject access, the idle lock
    sync        the app's side of kenttä_sync: enrolment, syncing, the Sync screen's data
    transfer    CSV/xlsx import, tables read from offices, spreadsheet-safe cells, export
    data        demo and seed data (synthetic only), `kenttä doctor`
    reports     ESF+ monitoring, follow-ups, data quality, the monthly trend
Shared at the top: context (Workspace), records, roles (who may do what), search (FTS5
helpers for the lists) and today (the Today screen's data, across rooms).
"""
