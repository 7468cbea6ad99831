package app.switchboard.account;

import app.switchboard.call.OutboundStatus;

/** Twilio accepted an outbound call: its SID and the status the create request returned. */
public record PlacedCall(String callSid, String from, String to, OutboundStatus status) {
}
