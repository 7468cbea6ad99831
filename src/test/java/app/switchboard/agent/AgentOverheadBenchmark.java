package app.switchboard.agent;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventPayloadJson;
import app.switchboard.call.EventKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Measures the agent's own per-turn overhead with the real openai-java client against the local
 * fake model server (no pacing: the server answers at once), from the LATENCY events:
 * request sent (HTTP body written) → first text frame out, first token → first frame, and
 * prompt → request handed to the client. Not a test; see docs/agent-latency.md for the command.
 *
 * <p>Arguments: [sequential turns, default 400] [concurrent calls, default 200].
 */
public final class AgentOverheadBenchmark {

    private AgentOverheadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int turns = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int concurrent = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        List<String> answer = OfflineResponder.tokens(
                "Your last bill was twenty dollars and forty cents, due on the fifteenth of the month.");
        String[] tokens = answer.toArray(new String[0]);
        try (FakeOpenAiServer server = new FakeOpenAiServer();
             OpenAiChatClient llm = new OpenAiChatClient("sk-bench-not-a-real-key", server.baseUrl(), "fake-model", 256)) {
            server.script(r -> FakeOpenAiServer.Reply.tokens(tokens));
            org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(2));
            llm.warmUp();
            AgentSettings settings = AgentSettings.defaults().withFirstTokenTimeout(Duration.ofSeconds(30));
            try (AgentHarness harness = new AgentHarness(llm, settings)) {
                run(harness, 100, 5); // JIT and connection warm-up, not reported
                List<CallEvent> seq = run(harness, turns, 5);
                report("sequential: " + turns + " turns, one at a time (5 turns per call)", seq);
                List<CallEvent> burst = concurrent(harness, concurrent);
                report("burst: " + concurrent + " calls whose whole answers arrive at the same instant (one turn each)", burst);
                // Paced like a real model: first token after 300 ms, then one every 20 ms (50 tokens/s).
                List<FakeOpenAiServer.Step> paced = new ArrayList<>();
                paced.add(new FakeOpenAiServer.Pause(300));
                for (String t : tokens) {
                    paced.add(new FakeOpenAiServer.Token(t));
                    paced.add(new FakeOpenAiServer.Pause(20));
                }
                paced.add(new FakeOpenAiServer.Finish("stop"));
                server.script(r -> FakeOpenAiServer.Reply.stream(paced.toArray(new FakeOpenAiServer.Step[0])));
                List<CallEvent> par = concurrent(harness, concurrent);
                report("paced: " + concurrent + " calls streaming at once, 300 ms to first token, 50 tokens/s", par);
            }
        }
    }

    /** {@code turns} turns, {@code perCall} per call, one turn at a time. */
    private static List<CallEvent> run(AgentHarness harness, int turns, int perCall) {
        List<CallEvent> latencies = new ArrayList<>();
        AgentHarness.Call call = null;
        int n = 0;
        for (int i = 0; i < turns; i++) {
            if (i % perCall == 0) {
                if (call != null) {
                    latencies.addAll(call.events(EventKind.LATENCY));
                }
                call = harness.call();
                n = 0;
            }
            call.say("What is my bill, question " + i + "?");
            call.awaitFinals(++n);
            final AgentHarness.Call c = call;
            final int want = n;
            org.awaitility.Awaitility.await().until(() -> c.events(EventKind.LATENCY).size() >= want);
        }
        latencies.addAll(call.events(EventKind.LATENCY));
        return latencies;
    }

    private static List<CallEvent> concurrent(AgentHarness harness, int calls) {
        List<AgentHarness.Call> all = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            all.add(harness.call());
        }
        for (int i = 0; i < calls; i++) {
            all.get(i).say("What is my bill, caller " + i + "?");
        }
        List<CallEvent> latencies = new ArrayList<>();
        for (AgentHarness.Call c : all) {
            c.awaitFinals(1);
            org.awaitility.Awaitility.await().until(() -> !c.events(EventKind.LATENCY).isEmpty());
            latencies.addAll(c.events(EventKind.LATENCY));
        }
        return latencies;
    }

    private static void report(String title, List<CallEvent> latencies) {
        System.out.println(title);
        System.out.printf(Locale.ROOT, "  %-44s %8s %8s %8s %8s%n", "milliseconds", "p50", "p90", "p99", "max");
        line("request sent -> first text frame out", latencies, "sentToFirstFrameMs");
        line("first token in -> first text frame out", latencies, "tokenToFrameMs");
        line("prompt -> request handed to openai-java", latencies, "requestMs");
        line("prompt -> request body written", latencies, "requestSentMs");
        line("prompt -> first token in", latencies, "firstTokenMs");
        line("prompt -> first text frame out", latencies, "firstFrameMs");
        System.out.println();
    }

    private static void line(String label, List<CallEvent> latencies, String field) {
        List<Double> values = new ArrayList<>();
        for (CallEvent e : latencies) {
            Object v = EventPayloadJson.toMap(e.payload()).get(field);
            if (v instanceof Number n) {
                values.add(n.doubleValue());
            }
        }
        Collections.sort(values);
        if (values.isEmpty()) {
            System.out.printf(Locale.ROOT, "  %-44s (no samples)%n", label);
            return;
        }
        System.out.printf(Locale.ROOT, "  %-44s %8.2f %8.2f %8.2f %8.2f   (n=%d)%n", label,
                pct(values, 50), pct(values, 90), pct(values, 99), values.get(values.size() - 1), values.size());
    }

    private static double pct(List<Double> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }
}
