package app.switchboard.supervisor;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Supervisor accounts, kept in {@code supervisors.json} in the data directory. A token is 32
 * random bytes (base64url), shown once when the account is made; the file keeps only a random
 * salt and SHA-256(salt ‖ token). A slow hash (PBKDF2, bcrypt) protects guessable passwords;
 * a 256-bit random token cannot be guessed however fast the hash, and a fast hash keeps each
 * upgrade cheap, so a stranger hammering {@code /console} cannot turn the check into a CPU cost.
 *
 * <p>The relay reads the file again when it changed on disk, so {@code switchboard users add}
 * or {@code remove} in another process takes effect on the running relay at the next upgrade.
 */
public final class SupervisorAccounts {

    public static final String FILE = "supervisors.json";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One account as stored: never the token itself. */
    public record Account(String name, String salt, String hash, String created) {
    }

    /** What the file holds; {@code v} is the file format's version. */
    record Stored(int v, List<Account> accounts) {
    }

    private final Path file;
    private List<Account> accounts = List.of();
    private FileTime loadedModified;
    private long loadedSize = -1;

    private SupervisorAccounts(Path file) {
        this.file = file;
    }

    /** The accounts of this data directory (none when the file does not exist yet). */
    public static SupervisorAccounts in(Path dataDir) {
        SupervisorAccounts a = new SupervisorAccounts(dataDir.resolve(FILE));
        a.reloadIfChanged();
        return a;
    }

    public Path file() {
        return file;
    }

    public synchronized List<Account> list() {
        reloadIfChanged();
        return accounts;
    }

    public synchronized boolean isEmpty() {
        return list().isEmpty();
    }

    /** Makes an account and returns its token: the only time the token exists outside the caller's hands. */
    public synchronized String add(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a name is 1-64 letters, digits or . _ @ -, starting with a letter or digit");
        }
        reloadIfChanged();
        if (accounts.stream().anyMatch(a -> a.name().equals(name))) {
            throw new IllegalArgumentException("an account named " + name + " exists; remove it first to issue a new token");
        }
        byte[] tokenBytes = new byte[32];
        RANDOM.nextBytes(tokenBytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(tokenBytes);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        List<Account> next = new ArrayList<>(accounts);
        next.add(new Account(name, HexFormat.of().formatHex(salt), hash(salt, token), Instant.now().toString()));
        write(next);
        return token;
    }

    /** True when an account of that name existed. */
    public synchronized boolean remove(String name) {
        reloadIfChanged();
        List<Account> next = new ArrayList<>(accounts);
        boolean removed = next.removeIf(a -> a.name().equals(name));
        if (removed) {
            write(next);
        }
        return removed;
    }

    /** The account this bearer token belongs to. Compares every account in constant time. */
    public synchronized Optional<String> authenticate(String token) {
        reloadIfChanged();
        if (token == null || token.isEmpty() || token.length() > 256) {
            return Optional.empty();
        }
        String found = null;
        for (Account a : accounts) {
            byte[] expected = HexFormat.of().parseHex(a.hash());
            byte[] actual = HexFormat.of().parseHex(hash(HexFormat.of().parseHex(a.salt()), token));
            if (MessageDigest.isEqual(expected, actual) && found == null) {
                found = a.name();
            }
        }
        return Optional.ofNullable(found);
    }

    private static String hash(byte[] salt, String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            sha.update(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private void reloadIfChanged() {
        try {
            if (!Files.exists(file)) {
                accounts = List.of();
                loadedModified = null;
                loadedSize = -1;
                return;
            }
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (modified.equals(loadedModified) && size == loadedSize) {
                return;
            }
            Stored stored = JSON.readValue(file.toFile(), Stored.class);
            accounts = stored == null || stored.accounts() == null ? List.of() : List.copyOf(stored.accounts());
            loadedModified = modified;
            loadedSize = size;
        } catch (IOException e) {
            // A damaged file must not open the door: no accounts means nobody gets in.
            accounts = List.of();
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Temp file with owner-only permissions from birth, then an atomic rename over the old one. */
    private void write(List<Account> next) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp;
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                tmp = Files.createTempFile(file.getParent(), FILE, ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                tmp = Files.createTempFile(file.getParent(), FILE, ".tmp");
            }
            try {
                Files.write(tmp, JSON.writeValueAsBytes(new Stored(1, next)));
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            accounts = List.copyOf(next);
            loadedModified = Files.getLastModifiedTime(file);
            loadedSize = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
