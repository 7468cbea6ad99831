package app.switchboard.supervisor;

import app.switchboard.call.CallEvent;
import app.switchboard.call.CallState;
import app.switchboard.call.CallSummary;
import app.switchboard.history.CallRecord;
import app.switchboard.history.ExportFormat;
import app.switchboard.history.StoreHealth;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Every message of the supervisor API ({@code /console}), both directions: one record per
 * message type. Records check what they must hold, so a message that would not be valid on the
 * wire cannot be built (strict writing); {@link SupervisorCodec} reads tolerantly. The JSON
 * field names are the record component names: add components, never rename them.
 *
 * <p>Over 400 lines on purpose: the whole protocol is this one sealed type, so every message of
 * both directions is read and changed in one place, and docs/supervisor-api.md maps to one file.
 */
public sealed interface SupervisorMessage {

    /** The protocol version this build speaks; every message carries it as {@code v}. */
    int VERSION = 1;

    /** Upgrade header by which a console says which optional messages it reads. */
    String ACCEPT_HEADER = "X-Switchboard-Accept";
    /** {@link #ACCEPT_HEADER}'s value for {@link Events}. */
    String ACCEPT_EVENTS = "events";

    String type();

    // ---- server → client ----

    sealed interface ServerMessage extends SupervisorMessage {
    }

    /**
     * First message on every connection. {@code listen}: the relay serves live audio ({@link Listen})
     * as the connection opened (its {@code listenToCalls} setting); absent (false) from older relays.
     */
    record Hello(String relay, String supervisor, int protocol, boolean listen) implements ServerMessage {
        public Hello {
            Objects.requireNonNull(relay, "relay");
            Objects.requireNonNull(supervisor, "supervisor");
        }

        public Hello(String relay, String supervisor, int protocol) {
            this(relay, supervisor, protocol, false);
        }

        public String type() {
            return "hello";
        }
    }

    /** One call as the snapshot lists it; {@code lastSeq} is the seq of its newest event, {@code firstSeq} the oldest still in memory. */
    record CallInfo(String callId, String from, String to, CallState state, String language, Instant startedAt,
                    Instant endedAt, long lastSeq, long firstSeq, String heldBy) {
        public CallInfo {
            Objects.requireNonNull(callId, "callId");
        }

        public CallInfo(String callId, String from, String to, CallState state, String language, Instant startedAt,
                        Instant endedAt, long lastSeq, long firstSeq) {
            this(callId, from, to, state, language, startedAt, endedAt, lastSeq, firstSeq, null);
        }

        static CallInfo of(CallSummary s, long firstSeq) {
            return new CallInfo(s.callId(), s.from(), s.to(), s.state(), s.language(), s.startedAt(), s.endedAt(),
                    s.eventCount(), firstSeq, s.heldBy());
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

    /**
     * Several events in one frame, each element a whole {@link Event} message, in the order they
     * would have been sent one by one. Sent only to consoles that asked for it on the upgrade
     * ({@code X-Switchboard-Accept: events}), when events queued while the previous write was on
     * the wire: a console that keeps up gets single events, one that lags gets fewer, larger frames.
     */
    record Events(List<Event> events) implements ServerMessage {
        public Events {
            events = List.copyOf(events);
            if (events.isEmpty()) {
                throw new IllegalArgumentException("an events message holds at least one event");
            }
        }

        public String type() {
            return "events";
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

    /** Acknowledges the call's ALERT event recorded at {@code alertSeq}; the call records ALERT_ACKNOWLEDGED with the account. */
    record AcknowledgeAlert(String commandId, String callId, long alertSeq) implements Command {
        public AcknowledgeAlert {
            require(commandId, callId);
        }

        public String type() {
            return "acknowledgeAlert";
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

    /**
     * Caller barge-in on or off for the rest of the call ({@code CallControl.setInterruptible}).
     * {@code interruptible} is required: a JSON boolean.
     */
    record Interruptible(String commandId, String callId, Boolean interruptible) implements Command {
        public Interruptible {
            require(commandId, callId);
            if (interruptible == null) {
                throw new IllegalArgumentException("interruptible (true or false) is required");
            }
        }

        public String type() {
            return "interruptible";
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


    // ==== several supervisors and paged history (presence, holds, history over /console) ====
    // Kept together here, apart from the messages above, so parallel additions do not collide.

    /** One supervisor signed in: how many consoles, and the calls those have open. */
    record OnlineSupervisor(String name, int consoles, List<String> watching) {
        public OnlineSupervisor {
            Objects.requireNonNull(name, "name");
            watching = List.copyOf(watching);
        }
    }

    /** One held call and its holder. */
    record Hold(String callId, String heldBy) {
        public Hold {
            Objects.requireNonNull(callId, "callId");
            Objects.requireNonNull(heldBy, "heldBy");
        }
    }

    /**
     * Who is on the floor, whole (never a delta): sent after each snapshot and on every change
     * (a console connects, leaves or opens a call; a call is taken over or released).
     */
    record Presence(List<OnlineSupervisor> supervisors, List<Hold> holds) implements ServerMessage {
        public Presence {
            supervisors = List.copyOf(supervisors);
            holds = List.copyOf(holds);
        }

        /** As {@code CallControl.presence()} gives it: what a remote {@code CallControl} hands its console. */
        public app.switchboard.call.SupervisorPresence asPresence() {
            java.util.Map<String, String> holders = new java.util.HashMap<>();
            holds.forEach(h -> holders.put(h.callId(), h.heldBy()));
            return new app.switchboard.call.SupervisorPresence(supervisors.stream()
                    .map(s -> new app.switchboard.call.SupervisorPresence.Supervisor(s.name(), s.consoles(), s.watching()))
                    .toList(), holders);
        }

        public String type() {
            return "presence";
        }
    }

    /**
     * The cluster behind the relay the console is attached to, whole: sent after each snapshot
     * and whenever it changes (the bus becomes unreachable or returns, events wait or are
     * dropped, a node is lost). Only a clustered relay sends it; a console that never got one
     * reads {@code ClusterStatus.SINGLE_NODE}.
     */
    record Cluster(boolean clustered, String node, String bus, boolean busReachable, long eventsWaiting,
                   long eventsDropped, List<String> lostNodes) implements ServerMessage {
        public Cluster {
            node = node == null ? "" : node;
            bus = bus == null ? "" : bus;
            lostNodes = List.copyOf(lostNodes);
        }

        public static Cluster of(app.switchboard.call.ClusterStatus status) {
            return new Cluster(status.clustered(), status.nodeId(), status.bus(), status.busReachable(),
                    status.eventsWaiting(), status.eventsDropped(), status.lostNodes());
        }

        /** As {@code CallControl.clusterStatus()} gives it, for the remote console's banner. */
        public app.switchboard.call.ClusterStatus asStatus() {
            return new app.switchboard.call.ClusterStatus(clustered, node, bus, busReachable, eventsWaiting, eventsDropped,
                    lostNodes);
        }

        public String type() {
            return "cluster";
        }
    }

    /** To the holder's consoles: {@code requestedBy} asks to take the call over. */
    record HoldRequested(String callId, String requestedBy, String heldBy) implements ServerMessage {
        public HoldRequested {
            Objects.requireNonNull(callId, "callId");
            Objects.requireNonNull(requestedBy, "requestedBy");
        }

        public String type() {
            return "holdRequested";
        }
    }

    /** The call this console has open, or null for none: shown to the others as presence. Not a command: no reply. */
    record Watch(String callId) implements ClientMessage {
        public String type() {
            return "watch";
        }
    }

    /** Ask the holder of a call for it; accepted when the holder was told, refused when nobody (else) holds it. */
    record RequestHold(String commandId, String callId) implements Command {
        public RequestHold {
            require(commandId, callId);
        }

        public String type() {
            return "requestHold";
        }
    }

    /** A history request; its answer carries the same {@code requestId}, a refusal is a {@link Reply} with it as {@code commandId}. */
    sealed interface HistoryRequest extends ClientMessage {
        String requestId();
    }

    /** An answer to a {@link HistoryRequest}. */
    sealed interface HistoryResponse extends ServerMessage {
        String requestId();

        /** True for the last message answering the request. */
        boolean last();
    }

    private static void requireRequestId(String requestId) {
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("requestId is required");
        }
    }

    /** Most calls one {@link HistorySearch} page may ask for; and events one {@link OpenCall} page. */
    int MAX_CALLS_PER_PAGE = 200;
    int MAX_EVENTS_PER_PAGE = 1000;

    /** A history search: the fields of {@code HistoryQuery}, {@code limit} at most {@link #MAX_CALLS_PER_PAGE}. */
    record HistorySearch(String requestId, String number, Instant from, Instant until, String text, int offset,
                         int limit) implements HistoryRequest {
        public HistorySearch {
            requireRequestId(requestId);
        }

        public String type() {
            return "historySearch";
        }
    }

    /** A page of past calls (the {@code CallPage} of the search); store status rides along for the health warning. */
    record HistoryPage(String requestId, List<CallRecord> calls, int offset, long total,
                       StoreHealth.Status store, String storeMessage) implements HistoryResponse {
        public HistoryPage {
            requireRequestId(requestId);
            calls = List.copyOf(calls);
        }

        public boolean last() {
            return true;
        }

        public String type() {
            return "historyPage";
        }
    }

    /** Opens a past (or live) call from the record: its events with seq above {@code afterSeq}, at most {@code limit}. */
    record OpenCall(String requestId, String callId, long afterSeq, int limit) implements HistoryRequest {
        public OpenCall {
            requireRequestId(requestId);
            if (callId == null || callId.isBlank()) {
                throw new IllegalArgumentException("callId is required");
            }
        }

        public String type() {
            return "openCall";
        }
    }

    /** One page of a recorded call's events, in order; {@code more}: ask again after the last seq. */
    record CallEvents(String requestId, String callId, List<CallEvent> events, boolean more) implements HistoryResponse {
        public CallEvents {
            requireRequestId(requestId);
            events = List.copyOf(events);
        }

        public boolean last() {
            return true;
        }

        public String type() {
            return "callEvents";
        }
    }

    /**
     * An export: one call ({@code callId}) or every call matching the search fields (paging
     * ignored), as JSON or CSV. Answered by {@link ExportChunk}s, in order, the last with {@code last}.
     */
    record Export(String requestId, ExportFormat format, String callId, String number,
                  Instant from, Instant until, String text) implements HistoryRequest {
        public Export {
            requireRequestId(requestId);
            Objects.requireNonNull(format, "format");
        }

        public String type() {
            return "export";
        }
    }

    /** Part {@code index} (from 0) of an export file: {@code data} is its bytes in base64; {@code events} the export's total. */
    record ExportChunk(String requestId, int index, String data, boolean last, long events) implements HistoryResponse {
        public ExportChunk {
            requireRequestId(requestId);
            Objects.requireNonNull(data, "data");
        }

        public String type() {
            return "exportChunk";
        }
    }

    // ==== live audio (docs/supervisor-api.md#live-audio) ====

    /**
     * Listen to one call's audio ({@code on}) or stop ({@code on: false}). A console listens to at
     * most one call: a new {@code listen} replaces the old. Answered with a {@link Reply}; then
     * {@link Audio} frames of that call only, until stopped or {@link ListenEnded}.
     */
    record Listen(String commandId, String callId, Boolean on) implements Command {
        public Listen {
            require(commandId, callId);
            if (on == null) {
                throw new IllegalArgumentException("on (true or false) is required");
            }
        }

        public String type() {
            return "listen";
        }
    }

    /** The call this console listened to sends no more audio ({@code reason}: the call ended, …); listening is off. */
    record ListenEnded(String callId, String reason) implements ServerMessage {
        public ListenEnded {
            if (callId == null || callId.isBlank()) {
                throw new IllegalArgumentException("callId is required");
            }
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("a listenEnded says why");
            }
        }

        public String type() {
            return "listenEnded";
        }
    }

    /** The layout version of binary {@link Audio} frames (byte 0), apart from the JSON messages' {@code v}. */
    int AUDIO_FRAME_VERSION = 1;
    /** The first bytes of every binary audio frame before its callId: version, kind, track, callId length, seq, timestamp. */
    int AUDIO_HEADER_BYTES = 12;
    /** Most μ-law bytes one frame may carry: one second (Twilio sends 20 ms, 160 bytes). */
    int MAX_AUDIO_BYTES = 8000;
    /** Most UTF-8 bytes of a callId in an audio frame (its length is one byte). */
    int MAX_AUDIO_CALL_ID_BYTES = 255;

    /**
     * One piece of the listened call's audio, sent as a <b>binary</b> WebSocket frame (never JSON;
     * {@link SupervisorCodec#encodeAudio}): {@code track} as Twilio names it (inbound: the caller,
     * outbound: the agent), {@code seq} counts the frames queued for this console since its
     * {@code listen} (a gap means frames were dropped for a slow console), {@code timestampMs}
     * the stream's own time, {@code mulaw} raw 8 kHz μ-law. Both unsigned 32-bit on the wire.
     */
    record Audio(String callId, app.switchboard.media.Track track, long seq, long timestampMs, byte[] mulaw)
            implements ServerMessage {
        public Audio {
            if (callId == null || callId.isBlank()) {
                throw new IllegalArgumentException("callId is required");
            }
            if (callId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_AUDIO_CALL_ID_BYTES) {
                throw new IllegalArgumentException("callId longer than " + MAX_AUDIO_CALL_ID_BYTES + " bytes");
            }
            Objects.requireNonNull(track, "track");
            if (seq < 0 || seq > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("seq out of 0..2^32-1: " + seq);
            }
            if (timestampMs < 0 || timestampMs > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("timestampMs out of 0..2^32-1: " + timestampMs);
            }
            Objects.requireNonNull(mulaw, "mulaw");
            if (mulaw.length == 0 || mulaw.length > MAX_AUDIO_BYTES) {
                throw new IllegalArgumentException("audio of 1.." + MAX_AUDIO_BYTES + " bytes, not " + mulaw.length);
            }
            mulaw = mulaw.clone();
        }

        @Override
        public byte[] mulaw() {
            return mulaw.clone();
        }

        /** As the console's player takes it. */
        public app.switchboard.media.AudioFrame frame() {
            return new app.switchboard.media.AudioFrame(callId, track, timestampMs, mulaw);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Audio a && a.callId.equals(callId) && a.track == track && a.seq == seq
                    && a.timestampMs == timestampMs && java.util.Arrays.equals(a.mulaw, mulaw);
        }

        @Override
        public int hashCode() {
            return Objects.hash(callId, track, seq, timestampMs, java.util.Arrays.hashCode(mulaw));
        }

        @Override
        public String toString() {
            return "Audio[" + callId + " " + track.wire() + " #" + seq + " @" + timestampMs + "ms, " + mulaw.length + " bytes]";
        }

        public String type() {
            return "audio";
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
