package app.switchboard.console.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.switchboard.call.SupervisorPresence;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the call list's Supervisors column says for a call, from the floor's presence (no toolkit). */
class CallPresenceTextTest {

    private final SupervisorPresence floor = new SupervisorPresence(List.of(
            new SupervisorPresence.Supervisor("alice", 1, List.of("CA1")),
            new SupervisorPresence.Supervisor("bob", 2, List.of("CA1", "CA2")),
            new SupervisorPresence.Supervisor("carol", 1, List.of("CA2"))),
            Map.of("CA1", "alice", "CA3", "Dana"));

    @Test
    void theHolderComesFirstAndIsNotAlsoListedAsWatching() {
        assertEquals("alice holds \u00b7 bob watching", LiveCall.presenceText(floor, "CA1"));
    }

    @Test
    void watchersWithoutAHolderAndAHolderWithoutWatchers() {
        assertEquals("bob, carol watching", LiveCall.presenceText(floor, "CA2"));
        assertEquals("Dana holds", LiveCall.presenceText(floor, "CA3"));
        assertEquals("", LiveCall.presenceText(floor, "CA4"));
        assertEquals("", LiveCall.presenceText(SupervisorPresence.NOBODY, "CA1"));
    }

    @Test
    void theSupervisorsColumnShowsOnlyOnceSomeoneIsOnTheFloor() {
        assertEquals(false, CallListViewModel.hasSupervisors(SupervisorPresence.NOBODY));
        assertEquals(true, CallListViewModel.hasSupervisors(floor));
        assertEquals(true, CallListViewModel.hasSupervisors(new SupervisorPresence(List.of(), Map.of("CA1", "Dana"))));
    }
}
