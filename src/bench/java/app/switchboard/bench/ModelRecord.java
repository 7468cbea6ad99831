package app.switchboard.bench;

import app.switchboard.sim.TokenClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model server's record, read back over HTTP ({@code /bench/sends}, {@code /bench/clock}),
 * paired with the callers' arrival stamps into per-token latency; and the relay's own per-turn
 * latency from its store. The tagged turns ({@code Question call-turn:}) are the key.
 */
final class ModelRecord {

    private ModelRecord() {
    }

    static final Pattern TAG = Pattern.compile("Question (\\d+)-(\\d+):");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static JsonNode get(String modelBase, String path) throws Exception {
        String root = modelBase.substring(0, modelBase.length() - "/v1".length());
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(root + path))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("model server answered " + r.statusCode() + " to " + path);
        }
        return JSON.readTree(r.body());
    }

    static JsonNode fetchSends(String modelBase) throws Exception {
        return get(modelBase, "/bench/sends");
    }

    /**
     * Whether the model server's {@link System#nanoTime()} is this JVM's (on Linux both are
     * {@code CLOCK_MONOTONIC}): its reading must fall between ours before and after asking.
     */
    static boolean sharesClock(String modelBase) throws Exception {
        long before = System.nanoTime();
        long theirs = get(modelBase, "/bench/clock").path("nanos").asLong();
        long after = System.nanoTime();
        return theirs >= before && theirs <= after;
    }

    /**
     * Per-token added latency: the caller's arrival stamp of the frame carrying a token's last
     * character minus the model server's stamp when it wrote that token's chunk. Paired by text
     * position per turn, as the agent may send several tokens in one frame.
     */
    static void matchTokens(Report report, JsonNode sends) {
        report.modelRequests = sends.path("requests").asLong() - report.warmupModelRequests;
        report.summaryRequests = sends.path("summaries").asLong() - report.warmupSummaryRequests;
        report.modelFailures = sends.path("failed").asLong() - report.warmupModelFailures;
        Map<Long, List<TokenClock.Stamp>> byTurn = stampsByTurn(sends);
        for (Map.Entry<Long, List<TokenClock.Stamp>> e : report.arrivals.entrySet()) {
            List<TokenClock.Stamp> sent = byTurn.get(e.getKey());
            if (sent == null) {
                report.unpairedTurns++;
                continue;
            }
            long[] delays = TokenClock.delays(sent, e.getValue());
            if (delays == null) {
                report.textMismatches++;
                continue;
            }
            if (report.sharedClock) {
                Arrays.stream(delays).forEach(report.perToken::add);
            }
        }
    }

    /** The model server's token stamps of each reply, by {@link #key} of the tagged turn that asked for it. */
    static Map<Long, List<TokenClock.Stamp>> stampsByTurn(JsonNode sends) {
        Map<Long, List<TokenClock.Stamp>> byTurn = new HashMap<>();
        for (JsonNode s : sends.path("sends")) {
            Matcher m = TAG.matcher(s.path("user").asText());
            if (!m.find()) {
                continue;
            }
            List<TokenClock.Stamp> stamps = new ArrayList<>();
            for (int i = 0; i < s.path("tokens").size(); i++) {
                stamps.add(new TokenClock.Stamp(s.path("nanos").get(i).asLong(), s.path("tokens").get(i).asText()));
            }
            byTurn.put(key(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))), stamps);
        }
        return byTurn;
    }

    /**
     * The relay's own view of each turn, from the {@code LATENCY} events in its store: request
     * sent to the model → first frame written, for the first and the last 20 turns of each long
     * call. A stall on the model connection (Nagle and delayed ACK) shows here, away from the
     * callers' side of the noise.
     */
    static void relayLatencyByTurn(Path db, Report report) throws Exception {
        Map<String, Map<Integer, Double>> byCall = new HashMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.Statement st = c.createStatement()) {
            st.execute("PRAGMA query_only = 1");
            try (java.sql.ResultSet r = st.executeQuery("SELECT call_id, fields FROM events WHERE kind = 'LATENCY'")) {
                while (r.next()) {
                    JsonNode f = JSON.readTree(r.getString(2));
                    if (f.path("sentToFirstFrameMs").isNumber()) {
                        byCall.computeIfAbsent(r.getString(1), k -> new HashMap<>())
                                .put(f.path("turn").asInt(), f.path("sentToFirstFrameMs").asDouble());
                    }
                }
            }
        }
        for (Map<Integer, Double> turns : byCall.values()) {
            int last = turns.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
            if (last <= 40) {
                continue; // a warm-up call
            }
            turns.forEach((turn, ms) -> {
                long nanos = (long) (ms * 1e6);
                if (turn <= 20) {
                    report.relaySentToFirstFrameEarly.add(nanos);
                } else if (turn > last - 20) {
                    report.relaySentToFirstFrameLate.add(nanos);
                }
            });
        }
    }

    static long key(int call, int turn) {
        return ((long) call << 20) | turn;
    }
}
