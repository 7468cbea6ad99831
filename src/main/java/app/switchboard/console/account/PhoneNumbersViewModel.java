package app.switchboard.console.account;

import app.switchboard.account.AccountAccess;
import app.switchboard.account.AccountNumber;
import app.switchboard.account.TwilioAccount;
import app.switchboard.account.TwilioAccountException;
import app.switchboard.account.VoiceWebhook;
import app.switchboard.console.shared.BackgroundWork;
import java.util.List;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * The account's phone numbers in the settings dialog: list them, point one's voice webhook at
 * this relay, put the previous one back. Every change is confirmed first with the value Twilio
 * has now (fetched fresh, since someone may have changed it in Twilio's console meanwhile).
 * Used on the FX thread; REST requests run as Tasks.
 */
public final class PhoneNumbersViewModel implements AutoCloseable {

    /** What a change will do, shown to the supervisor before it is made. */
    public record Confirmation(boolean restore, AccountNumber number, VoiceWebhook after) {

        public String title() {
            return (restore ? "Restore " : "Point ") + number.phoneNumber() + (restore ? "?" : " at this relay?");
        }

        public String text() {
            return "Calls to " + number.phoneNumber() + " now go to:\n    " + number.voice().describe()
                    + "\n\nAfter this change they go to:\n    " + after.describe();
        }
    }

    private final TwilioAccount account;
    private final ReadOnlyStringWrapper unavailable = new ReadOnlyStringWrapper(this, "unavailable", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ObservableList<AccountNumber> numbers = FXCollections.observableArrayList();
    private final BackgroundWork work = new BackgroundWork("twilio-numbers");

    public PhoneNumbersViewModel(AccountAccess access) {
        if (access instanceof AccountAccess.Ready ready) {
            account = ready.account();
        } else {
            account = null;
            unavailable.set("Phone numbers unavailable: " + ((AccountAccess.Unavailable) access).reason());
        }
    }

    public boolean available() {
        return account != null;
    }

    public Task<List<AccountNumber>> load() {
        if (!available()) {
            return null;
        }
        message.set("Reading the account's numbers\u2026");
        return work.run(account::numbers, list -> {
            numbers.setAll(list);
            message.set(list.isEmpty() ? "This account has no phone numbers."
                    : list.size() == 1 ? "1 number" : list.size() + " numbers");
        }, this::failed);
    }

    /** Fetches the number's current webhook, then hands the confirmation to {@code confirm}. */
    public Task<Confirmation> preparePoint(AccountNumber number, java.util.function.Consumer<Confirmation> confirm) {
        return prepare(number, false, confirm);
    }

    public Task<Confirmation> prepareRestore(AccountNumber number, java.util.function.Consumer<Confirmation> confirm) {
        if (!canRestore(number)) {
            message.set("Nothing to restore: this relay has not changed " + number.phoneNumber() + ".");
            return null;
        }
        return prepare(number, true, confirm);
    }

    private Task<Confirmation> prepare(AccountNumber number, boolean restore,
                                       java.util.function.Consumer<Confirmation> confirm) {
        message.set("Reading " + number.phoneNumber() + " from Twilio\u2026");
        return work.run(() -> {
            AccountNumber current = account.number(number.sid());
            VoiceWebhook after = restore ? account.previousWebhook(number.sid()).orElseThrow()
                    : new VoiceWebhook(account.relayUrls().twimlUrl(), "POST", "");
            return new Confirmation(restore, current, after);
        }, confirmation -> {
            replace(confirmation.number());
            message.set("");
            confirm.accept(confirmation);
        }, this::failed);
    }

    /** The supervisor confirmed: make the change. */
    public Task<AccountNumber> apply(Confirmation confirmation) {
        String sid = confirmation.number().sid();
        return work.run(() -> confirmation.restore() ? account.restore(sid) : account.pointAtRelay(sid), updated -> {
            replace(updated);
            message.set(updated.phoneNumber() + (confirmation.restore() ? " restored to " : " now goes to ")
                    + updated.voice().describe());
        }, this::failed);
    }

    public boolean canRestore(AccountNumber number) {
        return available() && number != null && account.previousWebhook(number.sid()).isPresent();
    }

    private void replace(AccountNumber updated) {
        for (int i = 0; i < numbers.size(); i++) {
            if (numbers.get(i).sid().equals(updated.sid())) {
                numbers.set(i, updated);
                return;
            }
        }
    }

    private void failed(Throwable e) {
        message.set(e instanceof TwilioAccountException ? e.getMessage() : "Twilio request failed: " + e);
    }

    public ObservableList<AccountNumber> numbers() {
        return numbers;
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
