package app.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CSV export's guard against formula injection: a caller's words land in a cell, and a
 * spreadsheet runs a cell that starts with = + - @ TAB or CR as a formula (OWASP "CSV
 * Injection"). Such a cell is prefixed with an apostrophe, which makes it text.
 */
class CsvFormulaGuardTest {

    /** The cell as a spreadsheet reads it back: RFC 4180 quotes removed. */
    private static String unquoted(String cell) {
        if (cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"")) {
            return cell.substring(1, cell.length() - 1).replace("\"\"", "\"");
        }
        return cell;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "=1+1",
        "=HYPERLINK(\"http://x.test\",\"click\")",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "+1 (555) 010-0001 =cmd|' /C calc'!A0",
    })
    void aCellThatWouldRunAsAFormulaBecomesText(String said) {
        assertEquals("'" + said, unquoted(HistoryExport.cell(said)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+15550100001", "+1 (555) 010-0001", "-12.5", "555-0100"})
    void numbersAndPhoneNumbersKeepTheirSign(String number) {
        assertEquals(number, HistoryExport.cell(number));
    }

    @ParameterizedTest
    @ValueSource(strings = {"What is my bill?", "a=b later in the text", "", "'quoted'"})
    void ordinaryTextIsLeftAlone(String said) {
        assertEquals(said, unquoted(HistoryExport.cell(said)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a, b|\"a, b\"",
        "say \"hi\"|\"say \"\"hi\"\"\"",
        "=\"x\",y|\"'=\"\"x\"\",y\"",
    })
    void separatorsAndQuotesAreQuotedPerRfc4180(String value, String expected) {
        assertEquals(expected, HistoryExport.cell(value));
    }

    @org.junit.jupiter.api.Test
    void aLineBreakInACellIsQuoted() {
        assertEquals("\"first\nsecond\"", HistoryExport.cell("first\nsecond"));
        assertEquals("\"'\r=1+1\"", HistoryExport.cell("\r=1+1"));
    }

    @org.junit.jupiter.api.Test
    void aMissingValueIsAnEmptyCell() {
        assertEquals("", HistoryExport.cell(null));
    }
}
