package jcnn.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongSupplier;
import jcnn.train.EpochStats;
import jcnn.train.TrainingListener;

/**
 * A {@link TrainingListener} that publishes a training run to the browser: every event becomes a JSON message for
 * the subscribers of {@code /api/training/events} (server-sent events), and the run so far is kept so a page that
 * connects late gets it at once ({@link #snapshot()}).
 *
 * <p>Events: {@code status} (a line of text, e.g. "loading the digits"), {@code start}, {@code batch} (at most
 * {@link #BATCH_EVENTS_PER_SECOND} a second, and always the last batch of an epoch), {@code epoch}, {@code end},
 * {@code failed}, and {@code model} (the served weights changed). The listener methods run on the training thread
 * and only append to queues; a slow browser never holds training up (a subscriber more than
 * {@link #MAX_QUEUED} events behind is dropped).
 */
public final class TrainingFeed implements TrainingListener {
    public static final int BATCH_EVENTS_PER_SECOND = 5;
    static final int MAX_QUEUED = 10_000;

    /** One subscriber's events, as "event name" + JSON data. */
    public record Event(String name, String json) {}

    /** A subscriber: take events from {@link #queue()}; call {@link #close()} when the browser goes away. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();

        public BlockingQueue<Event> queue() {
            return queue;
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }

    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final LongSupplier clock;
    private final List<Map<String, Object>> epochs = new ArrayList<>();
    private Map<String, Object> lastBatch;
    private Map<String, Object> plan;
    private String state = "idle";
    private String message = "";
    private long lastBatchEventNanos = Long.MIN_VALUE;
    private Runnable batchHook = () -> {};

    public TrainingFeed() {
        this(System::nanoTime);
    }

    /** With a clock in nanoseconds (tests use a fake one). */
    TrainingFeed(LongSupplier clock) {
        this.clock = clock;
    }

    /** Runs on the training thread after every batch, before the event is published (the server copies weights there). */
    public void onEveryBatch(Runnable hook) {
        this.batchHook = hook == null ? () -> {} : hook;
    }

    // ---------------------------------------------------------------------------------------------------
    // TrainingListener
    // ---------------------------------------------------------------------------------------------------

    @Override
    public void onStart(int firstEpoch, int lastEpoch, int batchesPerEpoch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("firstEpoch", firstEpoch);
        m.put("lastEpoch", lastEpoch);
        m.put("batchesPerEpoch", batchesPerEpoch);
        synchronized (this) {
            plan = m;
            state = "training";
        }
        publish("start", m);
    }

    @Override
    public void onBatch(int epoch, int batch, int batchesPerEpoch, double runningLoss, double runningAccuracy, double imagesPerSecond) {
        batchHook.run();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("batch", batch);
        m.put("batchesPerEpoch", batchesPerEpoch);
        m.put("loss", runningLoss);
        m.put("accuracy", runningAccuracy);
        m.put("imagesPerSecond", imagesPerSecond);
        long now = clock.getAsLong();
        boolean send;
        synchronized (this) {
            lastBatch = m;
            send = batch == batchesPerEpoch || now - lastBatchEventNanos >= 1_000_000_000L / BATCH_EVENTS_PER_SECOND;
            if (send) lastBatchEventNanos = now;
        }
        if (send) publish("batch", m);
    }

    @Override
    public void onEpochEnd(EpochStats s) {
        Map<String, Object> m = epochMap(s);
        synchronized (this) {
            epochs.add(m);
        }
        publish("epoch", m);
    }

    @Override
    public void onEnd(List<EpochStats> history) {
        synchronized (this) {
            state = "done";
        }
        publish("end", Map.of("epochs", history.size()));
    }

    // ---------------------------------------------------------------------------------------------------
    // Beyond the listener
    // ---------------------------------------------------------------------------------------------------

    /** A line of progress text ("training a model on the embedded digits ..."). */
    public void status(String text) {
        synchronized (this) {
            message = text;
        }
        publish("status", Map.of("message", text));
    }

    /** The run failed; {@code text} says why. */
    public void failed(String text) {
        synchronized (this) {
            state = "failed";
            message = text;
        }
        publish("failed", Map.of("message", text));
    }

    /** The served model's weights changed to version {@code version}. */
    public void modelChanged(long version) {
        publish("model", Map.of("version", version));
    }

    /** Everything so far: state, message, plan, the epochs, the last batch. */
    public synchronized Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state);
        m.put("message", message);
        m.put("plan", plan == null ? Json.NULL : plan);
        m.put("epochs", new ArrayList<>(epochs));
        m.put("lastBatch", lastBatch == null ? Json.NULL : lastBatch);
        return m;
    }

    /** Subscribes; the first event is a {@code snapshot}. */
    public Subscription subscribe() {
        Subscription s = new Subscription();
        synchronized (this) {
            s.queue.add(new Event("snapshot", Json.write(snapshot())));
            subscribers.add(s);
        }
        return s;
    }

    /** Whether {@code s} still receives events. */
    public boolean isSubscribed(Subscription s) {
        return subscribers.contains(s);
    }

    public int subscribers() {
        return subscribers.size();
    }

    private void publish(String name, Map<String, Object> data) {
        Event e = new Event(name, Json.write(data));
        synchronized (this) {
            for (Subscription s : subscribers) {
                if (s.queue.size() >= MAX_QUEUED) s.close();
                else s.queue.add(e);
            }
        }
    }

    static Map<String, Object> epochMap(EpochStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", s.epoch());
        m.put("trainLoss", s.trainLoss());
        m.put("trainAccuracy", s.trainAccuracy());
        m.put("valLoss", s.valLoss());
        m.put("valAccuracy", s.valAccuracy());
        m.put("learningRate", s.learningRate());
        m.put("seconds", s.seconds());
        m.put("imagesPerSecond", s.imagesPerSecond());
        return m;
    }
}
