package app.switchboard.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The model client's own CPU per answer: sequential streams through {@link OpenAiChatClient}
 * against the local fake server, each answer {@code tokens} chunks long. Counts the CPU time of
 * the client's threads only ({@code openai-*}: OkHttp's dispatcher and the stream readers that
 * parse the chunks), so the in-process server does not blur the figure. Not a test: run it under
 * JFR to see where that time goes (docs/agent-latency.md has the commands).
 *
 * <p>Arguments: [answers, default 3000] [tokens per answer, default 40].
 */
public final class ChunkParseProfile {

    private ChunkParseProfile() {
    }

    public static void main(String[] args) throws Exception {
        int answers = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int tokensPerAnswer = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        String[] tokens = new String[tokensPerAnswer];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = " word" + i;
        }
        try (FakeOpenAiServer server = new FakeOpenAiServer();
             OpenAiChatClient llm = new OpenAiChatClient("sk-bench-not-a-real-key", server.baseUrl(), "fake-model", 16)) {
            server.script(r -> FakeOpenAiServer.Reply.tokens(tokens));
            llm.warmUp();
            run(llm, server, answers / 3); // JIT warm-up, not reported
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuBefore = clientCpuNanos(threads);
            long wallBefore = System.nanoTime();
            int received = run(llm, server, answers);
            long cpu = clientCpuNanos(threads) - cpuBefore;
            long wall = System.nanoTime() - wallBefore;
            System.out.printf(Locale.ROOT, "%d answers x %d tokens (%d received): client threads %.1f us CPU per answer,"
                    + " %.2f us per chunk; wall %.2f ms per answer%n", answers, tokensPerAnswer, received,
                    cpu / 1e3 / answers, cpu / 1e3 / answers / (tokensPerAnswer + 1), wall / 1e6 / answers);
        }
    }

    private static int run(OpenAiChatClient llm, FakeOpenAiServer server, int answers) throws InterruptedException {
        int received = 0;
        for (int i = 0; i < answers; i++) {
            CountDownLatch done = new CountDownLatch(1);
            List<String> got = new ArrayList<>();
            llm.stream(LlmClient.Request.of(List.of(ChatMessage.user("question " + i))), new LlmClient.Listener() {
                @Override
                public void onToken(String token) {
                    got.add(token);
                }

                @Override
                public void onComplete() {
                    done.countDown();
                }

                @Override
                public void onError(Throwable failure) {
                    System.err.println("answer failed: " + failure.getMessage());
                    done.countDown();
                }
            });
            if (!done.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("answer " + i + " did not end");
            }
            received += got.size();
            server.reset();
        }
        return received;
    }

    /** CPU of the live {@code openai-} threads (their pools keep them for 60 s, longer than a run). */
    private static long clientCpuNanos(ThreadMXBean threads) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("openai-")) {
                long cpu = threads.getThreadCpuTime(t.getId());
                sum += Math.max(0, cpu);
            }
        }
        return sum;
    }
}
