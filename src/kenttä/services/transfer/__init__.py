"""Tables in and out: CSV import with its errors, exports, spreadsheet files.

csv_import (with csv_columns, csv_errors): clients and employers from CSV or .xlsx, each
bad row with a one-line reason; table_files: reading the CSV flavours and .xlsx offices
send; csv_safe: cells no spreadsheet runs as formulas; export: canonical export of a
replicated table.
"""

from kenttä.services._lazy import lazy_exports

_EXPORTS = {
    "CHUNK": "csv_import",
    "BULK_INDEX_ROWS": "csv_import",
    "CsvImportError": "csv_import",
    "ImportResult": "csv_import",
    "read_rows": "csv_import",
    "import_csv": "csv_import",
    "exit_records": "csv_import",
    "fold": "csv_columns",
    "parse_date": "csv_columns",
    "parse_int": "csv_columns",
    "parse_code": "csv_columns",
    "parse_bool": "csv_columns",
    "parse_email": "csv_columns",
    "PROGRAMME_ALIASES": "csv_columns",
    "parse_programme": "csv_columns",
    "identity": "csv_columns",
    "upper": "csv_columns",
    "STATUS_FI": "csv_columns",
    "OUTCOME_FI": "csv_columns",
    "REFERRAL_FI": "csv_columns",
    "LANGUAGE_FI": "csv_columns",
    "EDUCATION_FI": "csv_columns",
    "KIND_FI": "csv_columns",
    "TableFormat": "csv_columns",
    "CLIENTS": "csv_columns",
    "EMPLOYERS": "csv_columns",
    "TABLES": "csv_columns",
    "normalise_header": "csv_columns",
    "LineError": "csv_errors",
    "line_error": "csv_errors",
    "FORMULA_START": "csv_safe",
    "text_cell": "csv_safe",
    "plain_cell": "csv_safe",
    "line": "csv_safe",
    "Format": "export",
    "FORMATS": "export",
    "ExportError": "export",
    "ExportResult": "export",
    "table_spec": "export",
    "holds_personal_data": "export",
    "columns": "export",
    "rows": "export",
    "csv_value": "export",
    "write": "export",
    "export_text": "export",
    "XLSX_MAGIC": "table_files",
    "OLE_MAGIC": "table_files",
    "DELIMITERS": "table_files",
    "DELIMITER_NAMES": "table_files",
    "MOJIBAKE": "table_files",
    "TableFileError": "table_files",
    "TableFile": "table_files",
    "read_table": "table_files",
    "decode": "table_files",
    "sniff_delimiter": "table_files",
    "split_csv": "table_files",
    "read_xlsx": "table_files",
    "cell_text": "table_files",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
