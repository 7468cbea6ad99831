package app.switchboard.call;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.switchboard.agent.AgentSettings;
import app.switchboard.agent.ConversationAgent;
import app.switchboard.agent.OfflineResponder;
import app.switchboard.protocol.InboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each kind of attention rule, through a real {@link CallSession} on the registry, with a clock the test moves. */
@Timeout(30)
class AlertRulesTest {


    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-03-02T09:00:00Z"));
    private final OfflineResponder responder = new OfflineResponder(0);
    private final CallRegistry registry = new CallRegistry(
            ConversationAgent.factory(responder, AgentSettings.defaults()), List.of("en-US", "es-ES"), "en-US",
            Duration.ofMillis(200), clock);
    private final List<CallEvent> events = new CopyOnWriteArrayList<>();

    {
        registry.subscribe(events::add);
    }

    @AfterEach
    void close() {
        registry.close();
        responder.close();
    }

    private static AlertRule rule(String id, AlertRule.Kind kind, double parameter, String... phrases) {
        return new AlertRule(id, kind, AlertRule.Severity.WARNING, true, parameter, List.of(phrases));
    }

    private CallSession call(String callSid) {
        return registry.attach(new InboundMessage.Setup("VX-" + callSid, "AC1", callSid, "", "+15550100001",
                "+15550100002", "", "", "inbound", "PSTN", "RINGING", Map.of()), new RecordingConnection());
    }

    private List<EventPayload.Alert> alerts(String callId) {
        return events.stream().filter(e -> e.callId().equals(callId)).map(CallEvent::payload)
                .filter(p -> p instanceof EventPayload.Alert).map(p -> (EventPayload.Alert) p).toList();
    }

    private void say(CallSession call, String text) {
        registry.inbound(call, new InboundMessage.Prompt(text, "en-US", true));
    }

    /** Everything handed to the call's executor so far has run. */
    private static void drain(CallSession call) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        call.execute(done::countDown);
        assertTrue(done.await(10, TimeUnit.SECONDS));
    }

    @Test
    void aPhraseRuleFiresOnAWholeWordInAnyCaseOncePerCall() throws Exception {
        registry.alertRules(List.of(new AlertRule("person", AlertRule.Kind.PHRASE, AlertRule.Severity.CRITICAL, true, 0,
                List.of("manager", "real person"))));
        CallSession call = call("CA-phrase");
        say(call, "Who manages the managers there?");
        drain(call);
        assertTrue(alerts("CA-phrase").isEmpty(), "'managers' is not the word 'manager'");
        say(call, "Get me a REAL   person, now");
        await().until(() -> alerts("CA-phrase").size() == 1);
        EventPayload.Alert alert = alerts("CA-phrase").get(0);
        assertEquals("person", alert.ruleId());
        assertEquals("PHRASE", alert.ruleKind());
        assertEquals("CRITICAL", alert.severity());
        assertTrue(alert.reason().contains("real person"), alert.reason());
        assertTrue(alert.cause() != null && alert.cause() > 0, "names the prompt that made it fire");
        say(call, "I said a manager");
        drain(call);
        assertEquals(1, alerts("CA-phrase").size(), "once per call");
    }

    @Test
    void aSilenceRuleFiresAfterNSecondsWithoutSpeechAndAgainOnlyAfterSomeoneSpoke() throws Exception {
        registry.alertRules(List.of(rule("quiet", AlertRule.Kind.SILENCE, 20)));
        CallSession call = call("CA-silence");
        drain(call);
        clock.advance(Duration.ofSeconds(19));
        registry.checkAlertTimers();
        drain(call);
        assertTrue(alerts("CA-silence").isEmpty(), "19 s is not yet 20");
        clock.advance(Duration.ofSeconds(2));
        registry.checkAlertTimers();
        await().until(() -> alerts("CA-silence").size() == 1);
        assertEquals("no speech for 21 s", alerts("CA-silence").get(0).reason());
        clock.advance(Duration.ofSeconds(30));
        registry.checkAlertTimers();
        drain(call);
        assertEquals(1, alerts("CA-silence").size(), "one silence, one alert");
        say(call, "Hello?");
        // The agent's answer is speech too: wait until it is over before the clock moves on.
        await().until(() -> events.stream().anyMatch(e -> e.callId().equals("CA-silence")
                && e.kind() == EventKind.TURN_COMPLETED));
        drain(call);
        clock.advance(Duration.ofSeconds(25));
        registry.checkAlertTimers();
        await().until(() -> alerts("CA-silence").size() == 2);
    }

    @Test
    void aSilenceRuleIsQuietOnceTheCallEnded() throws Exception {
        registry.alertRules(List.of(rule("quiet", AlertRule.Kind.SILENCE, 5)));
        CallSession call = call("CA-ended");
        call.endCall("test");
        drain(call);
        clock.advance(Duration.ofMinutes(5));
        call.checkAlertTimers();
        drain(call);
        assertTrue(alerts("CA-ended").isEmpty());
    }

    @Test
    void aBargeInRuleFiresAtTheNthInterrupt() throws Exception {
        registry.alertRules(List.of(rule("barge", AlertRule.Kind.BARGE_INS, 2)));
        CallSession call = call("CA-barge");
        registry.inbound(call, new InboundMessage.Interrupt("Hello", 300L));
        drain(call);
        assertTrue(alerts("CA-barge").isEmpty());
        registry.inbound(call, new InboundMessage.Interrupt("Your bill", 500L));
        await().until(() -> alerts("CA-barge").size() == 1);
        assertEquals("caller barged in 2 times", alerts("CA-barge").get(0).reason());
    }

    @Test
    void aFaultRuleCountsFaultsTheCallerHeardNotRetries() throws Exception {
        registry.alertRules(List.of(rule("model", AlertRule.Kind.FAULT, 1)));
        CallSession call = call("CA-fault");
        call.execute(() -> call.record(EventPayload.Fault.retrying(1, "HTTP 503")));
        drain(call);
        assertTrue(alerts("CA-fault").isEmpty(), "a retried request said nothing to the caller");
        call.execute(() -> call.record(new EventPayload.Fault(1, "HTTP 500", false, "Sorry.", true, false)));
        await().until(() -> alerts("CA-fault").size() == 1);
        assertEquals("model fault: HTTP 500", alerts("CA-fault").get(0).reason());
    }

    @Test
    void aDurationRuleFiresOnceTheCallIsLongerThanNMinutes() throws Exception {
        registry.alertRules(List.of(rule("long", AlertRule.Kind.DURATION, 15)));
        CallSession call = call("CA-long");
        drain(call);
        clock.advance(Duration.ofMinutes(14));
        registry.checkAlertTimers();
        drain(call);
        assertTrue(alerts("CA-long").isEmpty());
        clock.advance(Duration.ofMinutes(2));
        registry.checkAlertTimers();
        await().until(() -> alerts("CA-long").size() == 1);
        assertEquals("call has lasted 16 min", alerts("CA-long").get(0).reason());
        assertNull(alerts("CA-long").get(0).cause(), "a timed rule has no causing event");
    }

    @Test
    void aSentimentRuleFiresWhenTheCallerTurnsNegativeNotBefore() throws Exception {
        registry.alertRules(List.of(rule("mood", AlertRule.Kind.SENTIMENT, -0.3)));
        CallSession call = call("CA-mood");
        say(call, "Hi, thanks, I have a quick question about my bill");
        say(call, "It is not bad, just a bit higher than usual");
        drain(call);
        assertTrue(alerts("CA-mood").isEmpty(), "a polite caller raises nothing");
        say(call, "This is ridiculous, I am really angry, it is the worst service ever");
        say(call, "Useless. Absolutely terrible.");
        await().until(() -> alerts("CA-mood").size() == 1);
        assertTrue(alerts("CA-mood").get(0).reason().startsWith("caller sentiment turned negative"),
                alerts("CA-mood").get(0).reason());
        assertTrue(call.mood() < -0.3);
    }

    @Test
    void aDisabledRuleNeverFiresAndAChangedRuleAppliesToALiveCall() throws Exception {
        registry.alertRules(List.of(new AlertRule("person", AlertRule.Kind.PHRASE, AlertRule.Severity.INFO, false, 0,
                List.of("manager"))));
        CallSession call = call("CA-live");
        say(call, "manager please");
        drain(call);
        assertTrue(alerts("CA-live").isEmpty(), "disabled");
        registry.alertRules(List.of(rule("person", AlertRule.Kind.PHRASE, 0, "manager")));
        say(call, "a manager, I said");
        await().until(() -> alerts("CA-live").size() == 1);
    }

    @Test
    void acknowledgingRecordsTheOperatorOnceAndUnknownAlertsAreIgnored() throws Exception {
        registry.alertRules(List.of(rule("person", AlertRule.Kind.PHRASE, 0, "manager")));
        CallSession call = call("CA-ack");
        say(call, "manager");
        await().until(() -> alerts("CA-ack").size() == 1);
        long alertSeq = events.stream().filter(e -> e.callId().equals("CA-ack") && e.kind() == EventKind.ALERT)
                .findFirst().orElseThrow().seq();
        CallControl alice = registry.operatedBy("alice");
        assertTrue(alice.acknowledgeAlert("CA-ack", alertSeq));
        alice.acknowledgeAlert("CA-ack", alertSeq);
        alice.acknowledgeAlert("CA-ack", alertSeq + 1000);
        drain(call);
        List<EventPayload.AlertAcknowledged> acks = events.stream().map(CallEvent::payload)
                .filter(p -> p instanceof EventPayload.AlertAcknowledged).map(p -> (EventPayload.AlertAcknowledged) p).toList();
        assertEquals(List.of(new EventPayload.AlertAcknowledged(alertSeq, "person", "alice")), acks);
        assertFalse(alice.acknowledgeAlert("CA-nobody", 1), "an unknown call");
    }

    @Test
    void phrasesMatchWholeWordsOnly() {
        assertTrue(Alerting.phrase("agent").matcher("Agent!").find());
        assertFalse(Alerting.phrase("agent").matcher("a reagent").find());
        assertTrue(Alerting.phrase("persona").matcher("Quiero una PERSONA").find());
    }

    @Test
    void alertPayloadsSurviveTheStoredJson() {
        EventPayload alert = new EventPayload.Alert("quiet", "SILENCE", "INFO", "no speech for 31 s", null);
        EventPayload ack = new EventPayload.AlertAcknowledged(12, "quiet", "alice");
        assertEquals(alert, EventPayloadJson.decode(EventKind.ALERT, EventPayloadJson.encode(alert)));
        assertEquals(ack, EventPayloadJson.decode(EventKind.ALERT_ACKNOWLEDGED, EventPayloadJson.encode(ack)));
        assertEquals(alert, TestEvents.payload(EventKind.ALERT, "ruleId", "quiet", "ruleKind", "SILENCE",
                "severity", "INFO", "reason", "no speech for 31 s"));
    }
}
