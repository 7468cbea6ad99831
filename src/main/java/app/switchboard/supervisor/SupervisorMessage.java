package app.switchboard.supervisor;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Every message of the supervisor API ({@code /console}), both directions: one record per
 * message type. Records check what they must hold, so a message that would not be valid on the
 * wire cannot be built (strict writing); {@link SupervisorCodec} reads tolerantly. The JSON
 * field names are the record component names: add components, never rename them.
 */
public sealed interface SupervisorMessage {

    /** The protocol version this build speaks; every message carries it as {@code v}. */
    int VERSION = 1;

    String type();

    // ---- server → client ----

    sealed interface ServerMessage extends SupervisorMessage {
    }

    /** First message on every connection. */
    record Hello(String relay, String supervisor, int protocol) implements ServerMessage {
        public Hello {
            Objects.requireNonNull(relay, "relay");
            Objects.requireNonNull(supervisor, "supervisor");
        }

        public String type() {
            return "hello";
        }
    }

    /** One call as the snapshot lists it; {@code lastSeq} is the seq of its newest event, {@code firstSeq} the oldest still in memory. */
    record CallInfo(String callId, String from, String to, CallState state, String language, Instant startedAt,
                    Instant endedAt, long lastSeq, long firstSeq) {
        public CallInfo {
            Objects.requireNonNull(callId, "callId");
        }

        static CallInfo of(CallSummary s, long firstSeq) {
            return new CallInfo(s.callId(), s.from(), s.to(), s.state(), s.language(), s.startedAt(), s.endedAt(),
                    s.eventCount(), firstSeq);
        }
    }

    /** Why a snapshot was sent. */
    enum SnapshotReason {
        /** The connection opened. */
        CONNECT,
        /** The client sent {@link Resume}: the events it missed follow, then the live stream. */
        RESUME,
        /** The client fell too far behind: its backlog was dropped, events in between are missing. */
        RESYNC
    }

    /**
     * Live calls and recent ended ones. The live stream continues after it: for each listed
     * call the next event has {@code seq = lastSeq + 1} (after a {@code RESUME} snapshot, the
     * replayed events come first).
     */
    record Snapshot(SnapshotReason reason, List<CallInfo> calls) implements ServerMessage {
        public Snapshot {
            Objects.requireNonNull(reason, "reason");
            calls = List.copyOf(calls);
        }

        public String type() {
            return "snapshot";
        }
    }

    /** One call event, as recorded: {@code payload} is the stored JSON of {@code EventPayloadJson}. */
    record Event(CallEvent event) implements ServerMessage {
        public Event {
            Objects.requireNonNull(event, "event");
        }

        public String type() {
            return "event";
        }
    }

    enum Outcome { ACCEPTED, REFUSED }

    /** The answer to one command: accepted means handed to the call, whose SUPERVISOR_* event then follows. */
    record Reply(String commandId, Outcome outcome, String reason) implements ServerMessage {
        public Reply {
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(outcome, "outcome");
            if (outcome == Outcome.REFUSED && (reason == null || reason.isBlank())) {
                throw new IllegalArgumentException("a refusal says why");
            }
        }

        public static Reply accepted(String commandId) {
            return new Reply(commandId, Outcome.ACCEPTED, null);
        }

        public static Reply refused(String commandId, String reason) {
            return new Reply(commandId, Outcome.REFUSED, reason);
        }

        public boolean isAccepted() {
            return outcome == Outcome.ACCEPTED;
        }

        public String type() {
            return "reply";
        }
    }

    // ---- client → server ----

    sealed interface ClientMessage extends SupervisorMessage {
    }

    /** The last seq the client has applied for a call. */
    record Position(String callId, long seq) {
        public Position {
            Objects.requireNonNull(callId, "callId");
            if (seq < 0) {
                throw new IllegalArgumentException("seq >= 0");
            }
        }
    }

    /**
     * Restart the stream from these positions: the server answers with a {@code RESUME}
     * snapshot, then for each call it lists the events after the client's position (0 for a
     * call the client does not list: one it has never seen) still in the call's window, then
     * the live stream. Events that arrive between sending this and that snapshot
     * are sent again after it: the client ignores them.
     */
    record Resume(List<Position> calls) implements ClientMessage {
        public Resume {
            calls = List.copyOf(calls);
        }

        public String type() {
            return "resume";
        }
    }

    /** A supervisor command on one call; {@code commandId} is the client's, echoed in its {@link Reply}. */
    sealed interface Command extends ClientMessage {
        String commandId();

        String callId();
    }

    private static void require(String commandId, String callId) {
        if (commandId == null || commandId.isBlank()) {
            throw new IllegalArgumentException("commandId is required");
        }
        if (callId == null || callId.isBlank()) {
            throw new IllegalArgumentException("callId is required");
        }
    }

    record Say(String commandId, String callId, String text) implements Command {
        public Say {
            require(commandId, callId);
        }

        public String type() {
            return "say";
        }
    }

    record Interrupt(String commandId, String callId) implements Command {
        public Interrupt {
            require(commandId, callId);
        }

        public String type() {
            return "interrupt";
        }
    }

    record TakeOver(String commandId, String callId) implements Command {
        public TakeOver {
            require(commandId, callId);
        }

        public String type() {
            return "takeOver";
        }
    }

    record Release(String commandId, String callId) implements Command {
        public Release {
            require(commandId, callId);
        }

        public String type() {
            return "release";
        }
    }

    /** Speaks the (possibly edited) AI draft; recorded like {@link Say}. */
    record SendDraft(String commandId, String callId, String text) implements Command {
        public SendDraft {
            require(commandId, callId);
        }

        public String type() {
            return "sendDraft";
        }
    }

    record Whisper(String commandId, String callId, String text) implements Command {
        public Whisper {
            require(commandId, callId);
        }

        public String type() {
            return "whisper";
        }
    }

    record Language(String commandId, String callId, String ttsLanguage, String transcriptionLanguage)
            implements Command {
        public Language {
            require(commandId, callId);
        }

        public String type() {
            return "language";
        }
    }

    record End(String commandId, String callId, String reason, boolean handToHuman) implements Command {
        public End {
            require(commandId, callId);
        }

        public String type() {
            return "end";
        }
    }

    // ---- what tolerant reading yields for what it cannot model ----

    /** Valid JSON of a type this version does not know (a newer peer): ignored, never an error. */
    record Unknown(String wireType, String raw) implements ServerMessage, ClientMessage {
        public String type() {
            return wireType;
        }
    }

    /** Not a JSON object with a string type, or a known type missing what it needs. */
    record Malformed(String raw, String reason, String commandId) implements ServerMessage, ClientMessage {
        public String type() {
            return "malformed";
        }
    }
}
