package app.switchboard.agent;

import static org.awaitility.Awaitility.await;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallRegistry;
import app.switchboard.call.CallSession;
import app.switchboard.call.EventKind;
import app.switchboard.call.EventPayload;
import app.switchboard.call.RecordingConnection;
import app.switchboard.protocol.InboundMessage;
import app.switchboard.protocol.OutboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives real {@link CallSession}s (a real {@link CallRegistry} with the real agent) over an
 * in-memory relay socket that captures every frame and decodes it as Twilio would, strictly.
 */
final class AgentHarness implements AutoCloseable {

    static final List<String> LANGUAGES = List.of("en-US", "es-ES");
    private static final AtomicInteger CALLS = new AtomicInteger();

    final CallRegistry registry;

    AgentHarness(LlmClient llm, AgentSettings settings) {
        registry = new CallRegistry(ConversationAgent.factory(llm, settings), LANGUAGES, "en-US");
    }

    Call call() {
        String sid = String.format("CA%032d", CALLS.incrementAndGet());
        RecordingConnection socket = new RecordingConnection();
        InboundMessage.Setup setup = new InboundMessage.Setup("VX" + sid.substring(2), "AC0000", sid, "",
                "+15550001111", "+15550002222", "", "", "inbound", "PSTN", "RINGING", Map.of());
        CallSession session = registry.attach(setup, socket);
        return new Call(sid, session, socket);
    }

    @Override
    public void close() {
        registry.close();
    }

    final class Call {
        final String sid;
        final CallSession session;
        final RecordingConnection socket;

        Call(String sid, CallSession session, RecordingConnection socket) {
            this.sid = sid;
            this.session = session;
            this.socket = socket;
        }

        void say(String text) {
            registry.inbound(session, new InboundMessage.Prompt(text, "en-US", true));
        }

        void interrupt(String heard) {
            registry.inbound(session, new InboundMessage.Interrupt(heard, 500L));
        }

        void press(String digit) {
            registry.inbound(session, new InboundMessage.Dtmf(digit));
        }

        List<CallEvent> events() {
            return registry.events(sid);
        }

        <T extends EventPayload> List<T> payloads(Class<T> type) {
            List<T> out = new ArrayList<>();
            for (CallEvent e : events()) {
                if (type.isInstance(e.payload())) {
                    out.add(type.cast(e.payload()));
                }
            }
            return out;
        }

        List<CallEvent> events(EventKind kind) {
            List<CallEvent> out = new ArrayList<>();
            for (CallEvent e : events()) {
                if (e.kind() == kind) {
                    out.add(e);
                }
            }
            return out;
        }

        List<OutboundMessage.Text> texts() {
            List<OutboundMessage.Text> out = new ArrayList<>();
            for (OutboundMessage m : socket.frames) {
                if (m instanceof OutboundMessage.Text t) {
                    out.add(t);
                }
            }
            return out;
        }

        /** Number of talk cycles closed with {@code last:true}. */
        long finals() {
            return texts().stream().filter(OutboundMessage.Text::last).count();
        }

        /** What the caller has been sent to hear, all text frames joined. */
        String spoken() {
            StringBuilder b = new StringBuilder();
            texts().forEach(t -> b.append(t.token()));
            return b.toString();
        }

        void awaitFinals(long n) {
            await().atMost(Duration.ofSeconds(15)).until(() -> finals() >= n);
        }

        void awaitEvent(EventKind kind, int count) {
            await().atMost(Duration.ofSeconds(15)).until(() -> events(kind).size() >= count);
        }

        List<OutboundMessage> frames() {
            return List.copyOf(socket.frames);
        }
    }
}
