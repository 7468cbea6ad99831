package app.switchboard.console.account;

import app.switchboard.account.AccountAccess;
import app.switchboard.account.AccountNumber;
import app.switchboard.account.PlacedCall;
import app.switchboard.account.TwilioAccount;
import app.switchboard.account.TwilioAccountException;
import app.switchboard.call.CallControl;
import app.switchboard.call.OutboundAttempt;
import app.switchboard.console.shared.BackgroundWork;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * "Call a number…": from one of the account's numbers to a number typed in. Twilio calls out;
 * when answered the call reaches the relay through {@code /twiml} and shows in the call list
 * like any other. Until then (and when it never connects) its status is listed here from the
 * relay's {@code /status} callbacks.
 */
public final class OutboundCallViewModel implements AutoCloseable {

    private final TwilioAccount account;
    private final CallControl calls;
    private final ReadOnlyStringWrapper unavailable = new ReadOnlyStringWrapper(this, "unavailable", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ObservableList<AccountNumber> fromNumbers = FXCollections.observableArrayList();
    private final ObjectProperty<AccountNumber> from = new SimpleObjectProperty<>(this, "from");
    private final StringProperty to = new SimpleStringProperty(this, "to", "");
    private final ObservableList<OutboundAttempt> attempts = FXCollections.observableArrayList();
    private final BackgroundWork work = new BackgroundWork("twilio-calls");

    public OutboundCallViewModel(AccountAccess access, CallControl calls) {
        this.calls = calls;
        if (access instanceof AccountAccess.Ready ready) {
            account = ready.account();
        } else {
            account = null;
            unavailable.set("Outbound calls unavailable: " + ((AccountAccess.Unavailable) access).reason());
        }
        refreshAttempts();
    }

    public boolean available() {
        return account != null;
    }

    public Task<List<AccountNumber>> loadNumbers() {
        if (!available()) {
            return null;
        }
        return work.run(account::numbers, list -> {
            fromNumbers.setAll(list);
            if (from.get() == null && !list.isEmpty()) {
                from.set(list.get(0));
            }
            if (list.isEmpty()) {
                message.set("This account has no phone number to call from.");
            }
        }, this::failed);
    }

    public Task<PlacedCall> call() {
        if (!available()) {
            return null;
        }
        AccountNumber caller = from.get();
        String callee = to.get();
        if (caller == null) {
            message.set("Choose one of the account's numbers to call from.");
            return null;
        }
        if (callee == null || callee.isBlank()) {
            message.set("Type the number to call.");
            return null;
        }
        message.set("Asking Twilio to call " + callee.strip() + "\u2026");
        return work.run(() -> account.call(caller.phoneNumber(), callee), placed -> {
            message.set("Twilio is calling " + placed.to() + " (" + placed.status().label()
                    + "). Once answered, the call appears in the call list.");
            refreshAttempts();
        }, this::failed);
    }

    /** Reads the relay's current list (in memory: cheap); the view calls it while shown. */
    public void refreshAttempts() {
        List<OutboundAttempt> latest = calls.outboundAttempts();
        if (!latest.equals(attempts)) {
            attempts.setAll(latest);
        }
    }

    private void failed(Throwable e) {
        message.set(e instanceof TwilioAccountException ? e.getMessage() : "Twilio request failed: " + e);
    }

    public ObservableList<AccountNumber> fromNumbers() {
        return fromNumbers;
    }

    public ObjectProperty<AccountNumber> fromProperty() {
        return from;
    }

    public StringProperty toProperty() {
        return to;
    }

    public ObservableList<OutboundAttempt> attempts() {
        return attempts;
    }

    public ReadOnlyStringProperty unavailableProperty() {
        return unavailable.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return work.busyProperty();
    }

    @Override
    public void close() {
        work.close();
    }
}
