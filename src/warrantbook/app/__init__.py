"""The application layer: what both shells (cli/, web/) call, and nothing either shell owns.

    source.py    the declared Source protocol (what a ledger answers), no probing with getattr
    views.py     list, show, history with lineage, due, reserve, quote: plain data, filtered by a Visibility
    commands.py  the recording commands, one declaration each: kind, fields, date, actor -> what was recorded
    parsers.py   the notations people type: tranches, cap, basket, transfer pieces, price files
    present.py   the one presentation rule for figures people read (exact values stay in --json and the API)
    captable.py  a company's cap table and a fund's view across companies
    export.py    CSV and XLSX of any view, safe from formula injection
    audit.py     the chain verified, and the audit pack

Rules stay in core/; the shells parse and print (cli) or authenticate, filter and render (web); neither imports
the other.
"""
