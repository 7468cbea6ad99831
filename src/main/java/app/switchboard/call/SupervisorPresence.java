package app.switchboard.call;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who is on the floor: the supervisors with a console connected to the relay, the calls each
 * has open, and who holds which call. Replaced whole on every change (it is small), so a
 * listener never has to order partial updates.
 *
 * @param supervisors one entry per signed-in supervisor, however many consoles they have open
 * @param holders     callId → the supervisor holding it (only held calls are listed)
 */
public record SupervisorPresence(List<Supervisor> supervisors, Map<String, String> holders) {

    public static final SupervisorPresence NOBODY = new SupervisorPresence(List.of(), Map.of());

    public SupervisorPresence {
        supervisors = List.copyOf(supervisors);
        holders = Map.copyOf(holders);
    }

    /** @param watching the calls this supervisor's consoles have open (in none: empty) */
    public record Supervisor(String name, int consoles, List<String> watching) {
        public Supervisor {
            Objects.requireNonNull(name, "name");
            watching = List.copyOf(watching);
        }
    }

    /** The supervisors who have {@code callId} open, by name. */
    public List<String> watching(String callId) {
        List<String> names = new ArrayList<>();
        for (Supervisor s : supervisors) {
            if (s.watching().contains(callId)) {
                names.add(s.name());
            }
        }
        return names;
    }

    public String heldBy(String callId) {
        return holders.get(callId);
    }
}
