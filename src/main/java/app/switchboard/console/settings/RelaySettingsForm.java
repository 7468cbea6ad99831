package app.switchboard.console.settings;

import static app.switchboard.console.settings.SettingsViewModel.blankToNull;
import static app.switchboard.console.settings.SettingsViewModel.orEmpty;

import app.switchboard.config.Settings;
import app.switchboard.console.settings.SettingsViewModel.TlsSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** The settings dialog's relay section: where the relay listens, the URL Twilio reaches, its TLS certificate. */
final class RelaySettingsForm {

    final StringProperty port = new SimpleStringProperty(this, "port");
    final StringProperty publicUrl = new SimpleStringProperty(this, "publicUrl");
    final ObjectProperty<TlsSource> tlsSource = new SimpleObjectProperty<>(this, "tlsSource");
    final StringProperty keystore = new SimpleStringProperty(this, "keystore");
    final StringProperty certificate = new SimpleStringProperty(this, "certificate");
    final StringProperty privateKey = new SimpleStringProperty(this, "privateKey");

    void load(Settings s) {
        port.set(Integer.toString(s.port));
        publicUrl.set(orEmpty(s.publicUrl));
        tlsSource.set(s.keystore != null && !s.keystore.isBlank() ? TlsSource.KEYSTORE
                : s.certificate != null && !s.certificate.isBlank() ? TlsSource.PEM : TlsSource.SELF_SIGNED);
        keystore.set(orEmpty(s.keystore));
        certificate.set(orEmpty(s.certificate));
        privateKey.set(orEmpty(s.privateKey));
    }

    /** Writes the fields into {@code s}; adds what is wrong to {@code errors}. */
    void writeInto(Settings s, List<String> errors) {
        try {
            int p = Integer.parseInt(port.get().strip());
            if (p < 0 || p > 65535) {
                errors.add("Port must be between 0 and 65535 (0 picks a free port).");
            }
            s.port = p;
        } catch (NumberFormatException e) {
            errors.add("Port must be a number between 0 and 65535.");
        }
        String url = blankToNull(publicUrl.get());
        if (url != null) {
            try {
                URI uri = new URI(url);
                if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                    errors.add("Public URL must look like https://host[/prefix] (Twilio connects over wss:// to the same host).");
                }
            } catch (URISyntaxException e) {
                errors.add("Public URL is not a valid URL: " + e.getReason());
            }
        }
        s.publicUrl = url;
        TlsSource tls = tlsSource.get() == null ? TlsSource.SELF_SIGNED : tlsSource.get();
        s.keystore = null;
        s.certificate = null;
        s.privateKey = null;
        if (tls == TlsSource.KEYSTORE) {
            s.keystore = blankToNull(keystore.get());
            if (s.keystore == null) {
                errors.add("Choose the PKCS12 keystore file, or pick another TLS source.");
            }
        } else if (tls == TlsSource.PEM) {
            s.certificate = blankToNull(certificate.get());
            s.privateKey = blankToNull(privateKey.get());
            if (s.certificate == null || s.privateKey == null) {
                errors.add("PEM needs both the certificate chain and the private key file.");
            }
        }
    }
}
