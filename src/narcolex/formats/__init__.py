"""File formats: the contributor template, spreadsheet/CSV readers with limits, and exports."""
