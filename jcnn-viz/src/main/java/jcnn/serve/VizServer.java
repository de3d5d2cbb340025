package jcnn.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The browser demo: one page (plain HTML, CSS and JavaScript from the classpath, {@code jcnn/serve/web/}) and the
 * JSON API behind it, on the JDK's {@link HttpServer}.
 *
 * <pre>
 * GET  /                       the page
 * GET  /api/model              layers, shapes, classes; which layers have feature maps, filters, deconvnet
 * GET  /api/filters[?layer=i]  filter grids (PNG data URLs) of the convolution layers
 * POST /api/predict            class probabilities                          (input: see below)
 * POST /api/analyze            probabilities, the input as the model sees it, every layer's feature maps
 * POST /api/deconv             deconvnet projection of a layer's channel   (+ layer; channel, default the strongest)
 * POST /api/saliency           saliency map of a class (default: the predicted one)   (+ class)
 * GET  /api/training           the training run so far (JSON)
 * GET  /api/training/events    the training run live (server-sent events)
 * </pre>
 *
 * <p>Input of the POST requests: JSON {@code {"pixels": [C·H·W numbers in [0, 1]]}} or
 * {@code {"image": "data:image/png;base64,..."}}, or the image itself with {@code Content-Type: image/png} (JPEG,
 * GIF, BMP too). Options ({@code layer}, {@code channel}, {@code class}, {@code fit}) go in the JSON object or the
 * query string. Every refusal is a 4xx with {@code {"error": "..."}} saying what was wrong: an unknown path (404),
 * a wrong method (405), a body over the limit (413), a non-image or an unsupported content type (415), malformed
 * JSON, wrong sizes or values (400), too many requests at once (503). The server never stops over a request.
 *
 * <p>Requests run on virtual threads; the model itself is used by one request at a time ({@link ModelService}).
 * While no model is set (the default model is still training) the model endpoints answer 503.
 */
public final class VizServer implements AutoCloseable {
    public static final int DEFAULT_MAX_BODY_BYTES = 2 << 20;
    static final int MAX_REQUESTS_IN_FLIGHT = 64;
    static final int MAX_EVENT_STREAMS = 32;
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/style.css", "style.css");

    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final TrainingFeed feed;
    private final int maxBodyBytes;
    private final Semaphore inFlight = new Semaphore(MAX_REQUESTS_IN_FLIGHT);
    private final Semaphore streams = new Semaphore(MAX_EVENT_STREAMS);
    private final List<TrainingFeed.Subscription> open = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> resources = new LinkedHashMap<>();
    private volatile ModelService model;
    private volatile boolean closed;

    private VizServer(HttpServer http, ModelService model, TrainingFeed feed, int maxBodyBytes) throws IOException {
        this.http = http;
        this.model = model;
        this.feed = feed == null ? new TrainingFeed() : feed;
        this.maxBodyBytes = maxBodyBytes;
        for (String name : Set.copyOf(STATIC.values())) resources.put(name, resource(name));
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /**
     * Starts a server on {@code bind}:{@code port} (port 0: a free one).
     *
     * @param model        the model to show, or null until {@link #setModel} (the endpoints answer 503 meanwhile)
     * @param feed         the training run to follow, or null for none
     * @param maxBodyBytes the largest request body accepted
     */
    public static VizServer start(String bind, int port, ModelService model, TrainingFeed feed, int maxBodyBytes) throws IOException {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("maxBodyBytes must be at least 1024, got " + maxBodyBytes);
        HttpServer http = HttpServer.create(new InetSocketAddress(bind, port), 64);
        VizServer s = new VizServer(http, model, feed, maxBodyBytes);
        http.start();
        return s;
    }

    /** The address the server listens on, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + a.getPort() + "/");
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public TrainingFeed feed() {
        return feed;
    }

    /** Sets (or replaces) the model the API serves; tells the page. */
    public void setModel(ModelService m) {
        this.model = m;
        feed.modelChanged(m.version());
    }

    @Override
    public void close() {
        closed = true;
        for (TrainingFeed.Subscription s : open) s.queue().add(new TrainingFeed.Event("close", "{}"));
        http.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Dispatch
    // ---------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (path.equals("/api/training/events")) {
                events(ex);
                return;
            }
            if (!inFlight.tryAcquire()) {
                drain(ex);
                send(ex, 503, error("too many requests at once; try again"));
                return;
            }
            try {
                route(ex, path);
            } catch (HttpError e) {
                drain(ex);
                send(ex, e.status(), error(e.getMessage()));
            } catch (IllegalArgumentException e) {
                send(ex, 400, error(e.getMessage()));
            } catch (IOException e) {
                // the browser went away mid-request: nothing to answer
            } catch (RuntimeException | StackOverflowError e) {
                send(ex, 500, error("internal error: " + e));
            } finally {
                inFlight.release();
            }
        } catch (IOException e) {
            // the answer could not be sent: the connection is gone
        }
    }

    private void route(HttpExchange ex, String path) throws IOException {
        if (STATIC.containsKey(path)) {
            allow(ex, "GET");
            String name = STATIC.get(path);
            sendBytes(ex, 200, contentType(name), resources.get(name));
            return;
        }
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        switch (path) {
            case "/api/model" -> {
                allow(ex, "GET");
                sendJson(ex, 200, Json.write(model().info()));
            }
            case "/api/filters" -> {
                allow(ex, "GET");
                sendJson(ex, 200, Json.write(Map.of("filters", model().filters(RequestInput.queryInt(query, "layer")))));
            }
            case "/api/training" -> {
                allow(ex, "GET");
                sendJson(ex, 200, Json.write(feed.snapshot()));
            }
            case "/api/predict", "/api/analyze", "/api/deconv", "/api/saliency" -> {
                allow(ex, "POST");
                RequestInput in = RequestInput.of(ex.getRequestHeaders().getFirst("Content-Type"), body(ex), query);
                ModelService m = model();
                var x = in.tensor(m);
                Object result = switch (path) {
                    case "/api/predict" -> m.predict(x);
                    case "/api/analyze" -> m.analyze(x);
                    case "/api/deconv" -> m.deconv(x, in.requiredInteger("layer"), in.integer("channel"));
                    default -> m.saliency(x, in.integer("class"));
                };
                sendJson(ex, 200, Json.write(result));
            }
            default -> throw new HttpError(404, "no such page or API: " + path
                    + " (the API: /api/model, /api/filters, /api/predict, /api/analyze, /api/deconv, /api/saliency, /api/training, /api/training/events)");
        }
    }

    private ModelService model() {
        ModelService m = model;
        if (m == null) throw new HttpError(503, "no model yet: the default model is still being trained (see /api/training)");
        return m;
    }

    private static void allow(HttpExchange ex, String allowed) {
        String method = ex.getRequestMethod();
        if (!method.equals(allowed)) {
            ex.getResponseHeaders().set("Allow", allowed);
            throw new HttpError(405, "use " + allowed + " here, not " + method);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Server-sent events
    // ---------------------------------------------------------------------------------------------------

    private void events(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            ex.getResponseHeaders().set("Allow", "GET");
            send(ex, 405, error("use GET here, not " + ex.getRequestMethod()));
            return;
        }
        if (!streams.tryAcquire()) {
            send(ex, 503, error("too many open event streams"));
            return;
        }
        TrainingFeed.Subscription sub = feed.subscribe();
        open.add(sub);
        try (sub) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!closed) {
                TrainingFeed.Event e = sub.queue().poll(15, TimeUnit.SECONDS);
                String text = e == null ? ": keep-alive\n\n" : "event: " + e.name() + "\ndata: " + e.json() + "\n\n";
                if (e != null && e.name().equals("close")) break;
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(sub);
            streams.release();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Bodies and answers
    // ---------------------------------------------------------------------------------------------------

    private byte[] body(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new HttpError(400, "malformed Content-Length '" + length + "'");
            }
            if (n > maxBodyBytes) throw new HttpError(413, "the request body has " + n + " bytes; at most " + maxBodyBytes + " are accepted");
        }
        InputStream in = ex.getRequestBody();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        int r;
        while ((r = in.read(buf)) > 0) {
            out.write(buf, 0, r);
            if (out.size() > maxBodyBytes) throw new HttpError(413, "the request body is larger than " + maxBodyBytes + " bytes");
        }
        return out.toByteArray();
    }

    /** Reads and drops what is left of a refused body (up to a bound), so the client sees the answer, not a reset. */
    private void drain(HttpExchange ex) {
        try {
            InputStream in = ex.getRequestBody();
            byte[] buf = new byte[16384];
            long total = 0;
            int r;
            while (total < 8L * maxBodyBytes && (r = in.read(buf)) > 0) total += r;
        } catch (IOException e) {
            // nothing to drain
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return out;
        for (String part : raw.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                out.put(k, v);
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "malformed query string: " + e.getMessage());
            }
        }
        return out;
    }

    static String error(String message) {
        return Json.write(Map.of("error", message == null ? "unknown error" : message));
    }

    private static void sendJson(HttpExchange ex, int status, String json) throws IOException {
        sendBytes(ex, status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        sendJson(ex, status, json);
    }

    private static void sendBytes(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) return "text/html; charset=utf-8";
        if (name.endsWith(".js")) return "text/javascript; charset=utf-8";
        if (name.endsWith(".css")) return "text/css; charset=utf-8";
        return "application/octet-stream";
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = VizServer.class.getResourceAsStream("web/" + name)) {
            if (in == null) throw new IOException("missing resource jcnn/serve/web/" + name + " (a broken build)");
            return in.readAllBytes();
        }
    }
}
