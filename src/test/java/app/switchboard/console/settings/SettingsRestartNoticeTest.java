package app.switchboard.console.settings;

import static org.assertj.core.api.Assertions.assertThat;

import app.switchboard.config.AppDirectories;
import app.switchboard.config.Secrets;
import app.switchboard.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After Save the dialog says which changes apply now and which wait for a restart. */
class SettingsRestartNoticeTest {

    @TempDir
    Path dir;

    private SettingsViewModel editor() {
        return new SettingsViewModel(new Settings(), AppDirectories.under(dir), Secrets.from(Map.of()));
    }

    @Test
    void changesThatApplyLiveSayEverythingAppliesNow() {
        SettingsViewModel vm = editor();
        vm.systemPromptProperty().set("You are a careful assistant.");
        vm.retentionDaysProperty().set("30");
        vm.welcomeGreetingProperty().set("Hello, you are talking to an AI assistant.");
        assertThat(vm.save()).isTrue();
        assertThat(vm.messageProperty().get()).contains("Everything applies now").doesNotContain("restart");
    }

    @Test
    void aChangedPortAndCertificateAreNamedAsNeedingARestart() {
        SettingsViewModel vm = editor();
        vm.portProperty().set("9443");
        vm.tlsSourceProperty().set(SettingsViewModel.TlsSource.PEM);
        vm.certificateProperty().set("/tmp/fullchain.pem");
        vm.privateKeyProperty().set("/tmp/privkey.pem");
        vm.systemPromptProperty().set("You are a careful assistant.");
        assertThat(vm.save()).isTrue();
        assertThat(vm.messageProperty().get()).contains("except port, TLS certificate: restart Switchboard for those");
    }
}
