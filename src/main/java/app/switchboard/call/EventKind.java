package app.switchboard.call;

/**
 * What a {@link CallEvent} records. The names are stable: the store persists them and the
 * console and exports read them back, so add kinds, never rename them.
 */
public enum EventKind {
    /** A relay socket was attached to the call (first session, or a reconnect after 64105). */
    SESSION_STARTED,
    /** Twilio's setup frame, every field. */
    SETUP,
    /** A partial (cumulative) caller transcript; starts no turn. */
    PROMPT_PARTIAL,
    /** A final caller transcript. */
    PROMPT,
    DTMF,
    /** Twilio's interrupt frame: the caller barged in. */
    INTERRUPT,
    /** Twilio's error frame. */
    TWILIO_ERROR,
    INFO,
    /** Valid JSON of a type the protocol model does not know; kept raw. */
    UNKNOWN_MESSAGE,
    /** A frame that was not a JSON object with a type; kept raw. */
    MALFORMED_FRAME,
    /** An inbound frame larger than the configured limit; the socket was closed. */
    FRAME_TOO_LARGE,
    /** A frame the app wrote to the socket, verbatim (agent tokens' frames: see AGENT_TOKEN). */
    FRAME_SENT,
    /** An outbound message refused before reaching the wire, or a send that failed. */
    SEND_FAILED,
    STATE_CHANGED,
    /** The agent started answering a caller turn. */
    TURN_STARTED,
    /**
     * A token of the agent's answer, sent as one preemptible text frame. It is also the record of
     * that frame (no FRAME_SENT follows it; {@link SentFrames#frameOf} rebuilds the frame).
     */
    AGENT_TOKEN,
    /** The agent's answer finished; fields hold the full text. */
    TURN_COMPLETED,
    /** The agent's answer was cut: fields {@code heard} and {@code unheard}. */
    TURN_INTERRUPTED,
    /** While the supervisor holds the call, the agent's proposed reply (token or complete). */
    DRAFT_TOKEN,
    DRAFT_READY,
    TOOL_CALL,
    /** The LLM failed, timed out, or was cut; fields give the reason and what the caller heard instead. */
    FAULT,
    /** Per-turn latency marks in milliseconds from the prompt. */
    LATENCY,
    SUPERVISOR_SAY,
    SUPERVISOR_INTERRUPT,
    SUPERVISOR_TAKEOVER,
    SUPERVISOR_RELEASE,
    SUPERVISOR_WHISPER,
    SUPERVISOR_LANGUAGE,
    SUPERVISOR_END,
    /** A flag for the supervisor's attention (asked for a human, repeated, faults, many interrupts). */
    ATTENTION,
    /** The {@code <Connect action>} webhook reported the end of a relay session. */
    ACTION_CALLBACK,
    /** The relay socket closed (code, reason). */
    SESSION_CLOSED,
    /** The call is over; no more events follow but its post-call SUMMARY. */
    CALL_ENDED,
    /** The agent's output guard stopped an answer that would have quoted the system prompt or a secret. */
    GUARD_TRIPPED,
    /**
     * Twilio reconnected a relay socket that had dropped ({@code applicationReconnect}): the same
     * call goes on, from memory or, after a relay restart, from the store.
     */
    SESSION_RECONNECTED,
    /** The post-call summary and disposition, written after CALL_ENDED (never delaying it). */
    SUMMARY,
    /**
     * The supervisor turned the caller's barge-in on or off: every later text/play frame carries
     * the documented per-message {@code interruptible} (docs/live-settings.md).
     */
    SUPERVISOR_INTERRUPTIBLE,
    /** Twilio's {@code configUpdated}, kept verbatim: its payload is not documented. */
    CONFIG_UPDATED,
    /**
     * Twilio's recording status callback ({@code <Start><Recording>}): the recording's SID,
     * status, URL and length. The audio stays in the Twilio account; often arrives after CALL_ENDED.
     */
    RECORDING,
    /** An attention rule the supervisor set in Settings fired (rule id, kind, severity, reason). */
    ALERT,
    /** A supervisor acknowledged an ALERT (its seq), recorded with their name: part of the audit trail. */
    ALERT_ACKNOWLEDGED
}
