package app.switchboard.history;

/** File formats of a history export. */
public enum ExportFormat {
    /** One object per call with its row and every event, fields as stored. */
    JSON,
    /** One line per event, with who spoke and what they said pulled out for spreadsheets. */
    CSV
}
