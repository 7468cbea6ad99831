package app.switchboard.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP forwarder in front of the relay: TLS passes through it untouched, and the
 * test can cut every connection at once (a network drop, as the console sees it) and refuse new
 * ones until {@link #open()} (the relay unreachable).
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private volatile int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;
    private volatile boolean closed;

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "tcp-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** New connections go to {@code port} (a relay restarted elsewhere); open ones are left alone. */
    void retarget(int port) {
        targetPort = port;
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                return;
            }
            if (refusing) {
                quietly(in);
                continue;
            }
            try {
                Socket out = new Socket();
                out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
                sockets.add(in);
                sockets.add(out);
                Flow flow = new Flow();
                flows.add(flow);
                pump(in, out, flow);
                pump(out, in, flow);
            } catch (IOException e) {
                quietly(in);
            }
        }
    }

    /**
     * One forwarded connection. Frozen, it passes nothing either way, not even a close: to both
     * ends it looks like a half-open TCP connection (a peer that vanished without a FIN).
     */
    private static final class Flow {
        private boolean frozen;

        synchronized void freeze() {
            frozen = true;
        }

        synchronized void awaitFlowing() throws InterruptedException {
            while (frozen) {
                wait();
            }
        }
    }

    private final List<Flow> flows = new CopyOnWriteArrayList<>();

    /** Every connection open now stops passing bytes (and closes) for good; new connections flow. */
    void freezeOpen() {
        for (Flow f : flows) {
            f.freeze();
        }
        flows.clear();
    }

    private void pump(Socket from, Socket to, Flow flow) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    flow.awaitFlowing();
                    out.write(buffer, 0, n);
                    out.flush();
                }
                flow.awaitFlowing();
            } catch (IOException | InterruptedException e) {
                // The other side or the test cut the connection.
            } finally {
                quietly(from);
                quietly(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Cuts every open connection and refuses new ones until {@link #open()}. */
    void cutAndRefuse() {
        refusing = true;
        dropAll();
    }

    /** Cuts every open connection; new ones are accepted. */
    void dropAll() {
        flows.clear();
        for (Socket s : sockets) {
            quietly(s);
        }
        sockets.clear();
    }

    void open() {
        refusing = false;
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Closing is all we want.
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        dropAll();
        server.close();
    }
}
