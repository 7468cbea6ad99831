package app.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * What {@link SoakBench} reads from the relay's SQLite file, opened read-only while the relay
 * writes it: rows written, and the record of the abuse (limits, reconnects, faults).
 */
final class SoakStore {

    private SoakStore() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Connection readOnly(Path db) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        return config.createConnection("jdbc:sqlite:" + db);
    }

    /** Rows written to the events table so far: its largest id (the table is append-only; retention is in days). */
    static long rows(Path db) throws Exception {
        try (Connection c = readOnly(db); Statement st = c.createStatement();
             ResultSet r = st.executeQuery("SELECT coalesce(max(id), 0) FROM events")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    /** What the relay's record says about the abuse: the limit each closed call names, each call's reconnects. */
    record StoreChecks(Map<String, String> limitByCall, Map<String, Integer> reconnectedByCall,
                               Map<String, Integer> faultsByReason) {
    }

    static StoreChecks storeChecks(Path db) throws Exception {
        Map<String, String> limits = new HashMap<>();
        Map<String, Integer> reconnects = new HashMap<>();
        Map<String, Integer> faults = new java.util.TreeMap<>();
        try (Connection c = readOnly(db); Statement st = c.createStatement()) {
            try (ResultSet r = st.executeQuery("SELECT coalesce(c.call_sid, e.call_id), e.fields FROM events e "
                    + "LEFT JOIN calls c ON c.call_id = e.call_id WHERE e.kind = 'SESSION_CLOSED'")) {
                while (r.next()) {
                    JsonNode f = JSON.readTree(r.getString(2));
                    if (f.hasNonNull("limit")) {
                        limits.put(r.getString(1), f.path("code").asInt() + " " + f.path("limit").asText());
                    }
                }
            }
            try (ResultSet r = st.executeQuery("SELECT coalesce(c.call_sid, e.call_id), count(*) FROM events e "
                    + "LEFT JOIN calls c ON c.call_id = e.call_id WHERE e.kind = 'SESSION_RECONNECTED' GROUP BY 1")) {
                while (r.next()) {
                    reconnects.put(r.getString(1), r.getInt(2));
                }
            }
            try (ResultSet r = st.executeQuery("SELECT fields FROM events WHERE kind = 'FAULT'")) {
                while (r.next()) {
                    JsonNode f = JSON.readTree(r.getString(1));
                    String reason = f.path("reason").asText("?");
                    faults.merge((reason.length() > 60 ? reason.substring(0, 60) + "…" : reason)
                            + (f.hasNonNull("fallback") ? " (fallback spoken)" : ""), 1, Integer::sum);
                }
            }
        }
        return new StoreChecks(limits, reconnects, faults);
    }

    /** The session events of these calls in the relay's record, e.g. to see why a reconnect was not taken as one. */
    static Map<String, List<String>> sessionHistory(Path db, List<String> callSids) throws Exception {
        Map<String, List<String>> history = new LinkedHashMap<>();
        try (Connection c = readOnly(db);
             var st = c.prepareStatement("SELECT e.kind, e.fields FROM events e LEFT JOIN calls c ON c.call_id = e.call_id "
                     + "WHERE coalesce(c.call_sid, e.call_id) = ? AND (e.kind LIKE 'SESSION_%' OR e.kind IN "
                     + "('CALL_ENDED', 'ATTENTION', 'SETUP')) ORDER BY e.id")) {
            for (String sid : callSids) {
                st.setString(1, sid);
                List<String> kinds = new ArrayList<>();
                try (ResultSet r = st.executeQuery()) {
                    while (r.next()) {
                        String fields = r.getString(2);
                        kinds.add(r.getString(1) + (fields.length() > 120 ? fields.substring(0, 120) + "…" : fields));
                    }
                }
                history.put(sid, kinds);
            }
        }
        return history;
    }
}
