package app.switchboard.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.FakeOpenAiServer.Cut;
import app.switchboard.agent.FakeOpenAiServer.Gate;
import app.switchboard.agent.FakeOpenAiServer.Reply;
import app.switchboard.agent.FakeOpenAiServer.Token;
import app.switchboard.call.EventKind;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Finished answers leave nothing behind: openai-java keeps every stream response (and through its
 * handler our stream handle, its listener and the agent's turn) until the response is closed. A
 * listener is held by the handle for as long as the handle lives, so a listener that the garbage
 * collector clears proves the handle and the response let go of it.
 */
class StreamRetentionTest {

    private FakeOpenAiServer server;
    private OpenAiChatClient llm;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
        llm = new OpenAiChatClient(OpenAiAgentTest.API_KEY, server.baseUrl(), "fake-model", 32);
        llm.warmUp();
        OpenAiAgentTest.warmRequest(llm, server);
    }

    @AfterEach
    void stop() throws Exception {
        llm.close();
        server.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void completedFailedAndCancelledStreamsAreAllReleased() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        server.script(r -> switch (r.index % 4) {
            case 0, 1 -> Reply.tokens("Fine", ".");
            case 2 -> r.index % 8 == 2 ? Reply.status(500) : Reply.stream(new Token("cut"), new Cut());
            default -> Reply.stream(new Token("held"), new Gate(never));
        });
        List<WeakReference<LlmClient.Listener>> listeners = new ArrayList<>();
        int streams = 300;
        for (int i = 0; i < streams; i++) {
            CountDownLatch ended = new CountDownLatch(1);
            CountDownLatch firstToken = new CountDownLatch(1);
            LlmClient.Listener listener = new LlmClient.Listener() {
                @Override
                public void onToken(String token) {
                    firstToken.countDown();
                }

                @Override
                public void onComplete() {
                    ended.countDown();
                }

                @Override
                public void onError(Throwable failure) {
                    ended.countDown();
                }
            };
            listeners.add(new WeakReference<>(listener));
            LlmClient.Stream stream = llm.stream(LlmClient.Request.of(List.of(ChatMessage.user("turn " + i))), listener);
            if (i % 4 == 3) {
                assertTrue(firstToken.await(10, TimeUnit.SECONDS), "held stream " + i + " started");
                stream.cancel();
            } else {
                assertTrue(ended.await(10, TimeUnit.SECONDS), "stream " + i + " ended");
            }
        }
        awaitCollected(listeners, 0);
        assertEquals(0, llm.openResponses());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void agentTurnsAreReleasedOnceAnswered() {
        server.script(r -> Reply.tokens("Noted", ", thanks."));
        List<WeakReference<LlmClient.Listener>> listeners = new CopyOnWriteArrayList<>();
        LlmClient recording = new LlmClient() {
            @Override
            public String describe() {
                return llm.describe();
            }

            @Override
            public Stream stream(Request request, Listener listener) {
                listeners.add(new WeakReference<>(listener));
                return llm.stream(request, listener);
            }
        };
        int calls = 3;
        int turnsPerCall = 100;
        try (AgentHarness harness = new AgentHarness(recording,
                AgentSettings.defaults().withProtectedSecrets(List.of(OpenAiAgentTest.API_KEY)))) {
            for (int c = 0; c < calls; c++) {
                AgentHarness.Call call = harness.call();
                for (int t = 1; t <= turnsPerCall; t++) {
                    call.say("Question " + t + ", please.");
                    call.awaitEvent(EventKind.TURN_COMPLETED, t);
                }
            }
            assertEquals(calls * turnsPerCall, listeners.size());
            // Each call's agent keeps its last spoken turn (a late barge-in trims it): one each may stay.
            awaitCollected(listeners, calls);
            assertEquals(0, llm.openResponses());
        }
    }

    private static void awaitCollected(List<WeakReference<LlmClient.Listener>> refs, int mayStay) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            System.gc();
            long alive = refs.stream().filter(r -> r.get() != null).count();
            assertTrue(alive <= mayStay, alive + " of " + refs.size() + " finished streams are still reachable");
        });
    }
}
