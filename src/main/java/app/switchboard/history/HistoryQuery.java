package app.switchboard.history;

import java.time.Instant;

/**
 * What the History view asks for: every criterion is optional (null or blank: no filter).
 *
 * @param number  part of the caller's or called number; digits are matched ignoring spaces,
 *                dashes and brackets, so "555 12" finds +1 (555) 123-4567
 * @param from    calls started at or after this instant
 * @param until   calls started before this instant
 * @param text    words said by either side (caller prompts, the agent's answers as heard, the
 *                supervisor's words); every word must occur, each as a word prefix,
 *                accents ignored
 * @param offset  rows to skip (paging)
 * @param limit   rows in the page
 */
public record HistoryQuery(String number, Instant from, Instant until, String text, int offset, int limit) {

    public HistoryQuery {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
    }

    /** The first page of everything, newest first. */
    public static HistoryQuery all(int limit) {
        return new HistoryQuery(null, null, null, null, 0, limit);
    }

    public HistoryQuery page(int newOffset) {
        return new HistoryQuery(number, from, until, text, newOffset, limit);
    }

    public HistoryQuery withNumber(String value) {
        return new HistoryQuery(value, from, until, text, offset, limit);
    }

    public HistoryQuery withText(String value) {
        return new HistoryQuery(number, from, until, value, offset, limit);
    }

    public HistoryQuery between(Instant start, Instant end) {
        return new HistoryQuery(number, start, end, text, offset, limit);
    }
}
