package jcnn.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import jcnn.tensor.Tensor;

/**
 * A list of layers applied in order: the seeds' LayerManager, PyTorch's {@code nn.Sequential}.
 *
 * <pre>{@code
 * Sequential model = new Sequential(
 *         new Conv2d(1, 30, 5), new ReLU(), new MaxPool2d(2),
 *         new Flatten(), new Linear(30 * 12 * 12, 100), new ReLU(), new Linear(100, 10));
 * model.build(1, 1, 28, 28);          // checks the chain, infers every shape
 * System.out.println(model.summary());
 * }</pre>
 *
 * <p>Layers are addressed by index or by name. A layer added without a name is called by its index, as in
 * PyTorch, so parameter names ({@code "0.weight"}, {@code "4.bias"}) match a PyTorch {@code nn.Sequential} of
 * the same layers.
 *
 * <p>The first layer is told that no input gradient is needed (nothing before it learns), which skips the
 * most expensive part of a first convolution's backward; call {@link #setInputGradRequired(boolean)
 * setInputGradRequired(true)} for saliency maps and other uses of dLoss/dInput.
 *
 * <p>Fusion: a {@link ReLU} right after a convolution is applied as the convolution writes its output; a
 * {@link MaxPool2d} after a convolution (and its ReLU) pools each image as soon as the convolution has written it,
 * on the same thread and in the same parallel pass, and in the backward pass writes each image's gradient right
 * before the convolution's weight gradient reads it; the backward of a ReLU right before a {@link MaxPool2d} is done
 * inside the pooling's backward scatter, and that of a ReLU right before a convolution on each image of the
 * convolution's input gradient as soon as it is written. Where nothing reads a convolution's output again (the
 * pooling's backward is fused with the convolution's), a plain 2×2 max pooling runs inside the convolution and the
 * convolution's own output is not written at all. In evaluation mode, consecutive 3×3 convolutions computed by
 * Winograd's F(4×4, 3×3) (with their ReLUs and 2×2 poolings) run as one chain that hands the activations on in the
 * algorithm's own layout ({@link jcnn.kernel.WinogradChain}; a first convolution with 1 to 4 input channels before
 * them joins it), and the layers inside it write no outputs of their own. Each saves a pass over the largest activations of a CNN or a hand-over to the worker threads; the results
 * are bit for bit those of the separate layers (tested). {@link #fusion(boolean) fusion(false)} turns all of it off.
 */
public final class Sequential extends Layer implements Iterable<Layer> {
    private final List<Layer> layers = new ArrayList<>();
    private final List<String> names = new ArrayList<>(); // null: named by index
    private int[] builtInputShape;
    private boolean fusion = true;

    public Sequential(Layer... layers) {
        setInputGradRequired(false);
        for (Layer l : layers) add(l);
    }

    // ---------------------------------------------------------------------------------------------------
    // Editing
    // ---------------------------------------------------------------------------------------------------

    /** Appends a layer, named by its index. */
    public Sequential add(Layer layer) {
        return insert(layers.size(), null, layer);
    }

    /** Appends a named layer. */
    public Sequential add(String name, Layer layer) {
        return insert(layers.size(), name, layer);
    }

    /** Inserts a layer before position {@code index}. */
    public Sequential insert(int index, Layer layer) {
        return insert(index, null, layer);
    }

    /** Inserts a named layer (null: named by index) before position {@code index}. */
    public Sequential insert(int index, String name, Layer layer) {
        if (layer == null) throw new IllegalArgumentException("Sequential: cannot add a null layer");
        if (index < 0 || index > layers.size()) {
            throw new IndexOutOfBoundsException("Sequential: insert position " + index + " outside [0, " + layers.size() + "]");
        }
        if (layers.contains(layer)) throw new IllegalArgumentException("Sequential: " + layer + " is already in this model");
        checkName(name, -1);
        layers.add(index, layer);
        names.add(index, name);
        changed();
        return this;
    }

    /** Removes and returns the layer at {@code index}. */
    public Layer remove(int index) {
        checkIndex(index);
        names.remove(index);
        Layer removed = layers.remove(index);
        changed();
        return removed;
    }

    /** Removes and returns the layer called {@code name}. */
    public Layer remove(String name) {
        return remove(indexOf(name));
    }

    /** Replaces the layer at {@code index}, keeping its name; returns the old one. */
    public Layer replace(int index, Layer layer) {
        checkIndex(index);
        if (layer == null) throw new IllegalArgumentException("Sequential: cannot add a null layer");
        Layer old = layers.set(index, layer);
        changed();
        return old;
    }

    /** Replaces the layer called {@code name}; returns the old one. */
    public Layer replace(String name, Layer layer) {
        return replace(indexOf(name), layer);
    }

    public Layer get(int index) {
        checkIndex(index);
        return layers.get(index);
    }

    public Layer get(String name) {
        return layers.get(indexOf(name));
    }

    /** The name of the layer at {@code index}: the one it was given, else its index. */
    public String nameOf(int index) {
        checkIndex(index);
        String n = names.get(index);
        return n != null ? n : Integer.toString(index);
    }

    /** The position of the layer called {@code name}. */
    public int indexOf(String name) {
        for (int i = 0; i < layers.size(); i++) {
            if (nameOf(i).equals(name)) return i;
        }
        List<String> known = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) known.add(nameOf(i));
        throw new IllegalArgumentException("Sequential: no layer named '" + name + "'; layers: " + known);
    }

    public int size() {
        return layers.size();
    }

    /** The layers, unmodifiable. */
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    @Override
    public Iterator<Layer> iterator() {
        return layers().iterator();
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential: layer index " + index + " outside [0, " + layers.size() + ")");
        }
    }

    private void checkName(String name, int except) {
        if (name == null) return;
        if (!name.matches("[A-Za-z0-9_\\-]+")) {
            throw new IllegalArgumentException("Sequential: layer name '" + name + "' must be letters, digits, '_' or '-'");
        }
        for (int i = 0; i < layers.size(); i++) {
            if (i != except && nameOf(i).equals(name)) throw new IllegalArgumentException("Sequential: a layer is already named '" + name + "'");
        }
    }

    private void changed() {
        builtInputShape = null;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            l.setName(nameOf(i));
            l.setInputGradRequired(i > 0 || isInputGradRequired());
            l.train(isTraining());
        }
    }

    @Override
    public void setInputGradRequired(boolean required) {
        super.setInputGradRequired(required);
        if (!layers.isEmpty()) layers.get(0).setInputGradRequired(required);
    }

    // ---------------------------------------------------------------------------------------------------
    // Shapes
    // ---------------------------------------------------------------------------------------------------

    /**
     * Checks that the layers can be chained for inputs of {@code inputShape} (batch dimension included) and
     * remembers the shape for {@link #summary()}. Throws naming the first layer that cannot take its input.
     */
    public Sequential build(int... inputShape) {
        outputShapes(inputShape);
        builtInputShape = inputShape.clone();
        return this;
    }

    /** The input shape given to {@link #build}, or null. */
    public int[] inputShape() {
        return builtInputShape == null ? null : builtInputShape.clone();
    }

    /** The output shape of every layer for the given input shape. */
    public List<int[]> outputShapes(int... inputShape) {
        List<int[]> shapes = new ArrayList<>();
        int[] s = inputShape.clone();
        for (int i = 0; i < layers.size(); i++) {
            try {
                s = layers.get(i).outputShape(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " ('" + nameOf(i) + "') cannot take input "
                        + Tensor.shapeString(s) + ": " + e.getMessage(), e);
            }
            shapes.add(s);
        }
        return shapes;
    }

    @Override
    public int[] outputShape(int... inputShape) {
        List<int[]> shapes = outputShapes(inputShape);
        return shapes.isEmpty() ? inputShape.clone() : shapes.get(shapes.size() - 1);
    }

    // ---------------------------------------------------------------------------------------------------
    // Forward and backward
    // ---------------------------------------------------------------------------------------------------

    /** Turns the fusion of ReLU into neighbouring convolutions and poolings on (default) or off. */
    public Sequential fusion(boolean enabled) {
        this.fusion = enabled;
        return this;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            int chainEnd = training ? -1 : evaluationChainEnd(i);
            if (chainEnd > i) {
                Tensor y = forwardChain(i, chainEnd, h);
                if (y != null) {
                    h = y;
                    i = chainEnd;
                    continue;
                }
            }
            int pooling = poolingAfter(i);
            if (pooling > 0) checkShapes(i, pooling, h.shape());  // so that a bad shape names its own layer
            try {
                Layer layer = layers.get(i);
                if (pooling > 0) {
                    ConvNd<?> conv = (ConvNd<?>) layer;
                    MaxPool2d pool = (MaxPool2d) layers.get(pooling);
                    boolean relu = pooling == i + 2;
                    // the convolution's output is read again only by the ReLU's own backward, where the pooling's
                    // backward is not fused with the convolution's
                    h = conv.forwardThenPool(h, training, relu, pool, relu && convolutionBefore(pooling) != i);
                    if (relu) ((ReLU) layers.get(i + 1)).adoptActivated(conv.lastOutput(), training);
                    i = pooling;
                } else if (fusion && layer instanceof ConvNd<?> conv && i + 1 < layers.size() && layers.get(i + 1) instanceof ReLU relu) {
                    h = conv.forward(h, training, true);
                    relu.adoptActivated(h, training);
                    i++;
                } else {
                    h = layer.forward(h, training);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " ('" + nameOf(i) + "'): " + e.getMessage(), e);
            }
        }
        return h;
    }

    // ---------------------------------------------------------------------------------------------------
    // Evaluation chains: Conv2d [ReLU [MaxPool2d(2)]] Conv2d ... handed on in the convolutions' own layout
    // ---------------------------------------------------------------------------------------------------

    /**
     * The last layer of an evaluation chain starting at layer i (fusion on), or -1: Conv2d layers, each followed by a
     * ReLU and a plain 2×2 max pooling or by a ReLU or by nothing, one after the other — at least two convolutions, or
     * one with its pooling. Whether it runs as a chain depends on the input (see {@link jcnn.kernel.WinogradChain}).
     */
    private int evaluationChainEnd(int i) {
        int convs = 0, end = -1, j = i;
        boolean pooled = false;
        while (fusion && j < layers.size() && layers.get(j) instanceof Conv2d) {
            int k = j + 1;
            boolean relu = k < layers.size() && layers.get(k) instanceof ReLU;
            if (relu) k++;
            boolean pool = relu && k < layers.size() && layers.get(k) instanceof MaxPool2d p && p.halvesPlainly();
            if (pool) k++;
            convs++;
            pooled |= pool;
            end = k - 1;
            j = k;
        }
        return convs >= 2 || pooled ? end : -1;
    }

    /** Evaluation chains' kernels and outputs, by their first layer. */
    private final Map<Integer, Chain> chains = new java.util.HashMap<>();

    private static final class Chain {
        jcnn.kernel.WinogradChain kernel;
        Tensor output;
        int[] refusedShape;   // the input shape (and thread count) for which the chain did not apply, last time
        int refusedThreads;
    }

    /**
     * Layers [from, to] (an evaluation chain) on h in evaluation mode as one {@link jcnn.kernel.WinogradChain}, or null
     * where it does not apply to this input (then the layers run one by one). The layers' own outputs are not written.
     */
    private Tensor forwardChain(int from, int to, Tensor h) {
        int[] shape = h.shape();
        if (shape.length != 4) return null;
        Chain chain = chains.computeIfAbsent(from, k -> new Chain());
        if (java.util.Arrays.equals(shape, chain.refusedShape) && chain.refusedThreads == jcnn.kernel.Parallel.threads()) return null;
        checkShapes(from, to, shape);
        List<jcnn.kernel.Convolution> engines = new ArrayList<>();
        List<float[]> weights = new ArrayList<>(), biases = new ArrayList<>();
        List<Boolean> relus = new ArrayList<>(), pools = new ArrayList<>();
        for (int j = from; j <= to; j++) {
            Layer layer = layers.get(j);
            if (layer instanceof Conv2d conv) {
                engines.add(conv.evaluationEngine(shape));
                weights.add(conv.weightData());
                biases.add(conv.biasData());
                relus.add(false);
                pools.add(false);
            } else {
                (layer instanceof ReLU ? relus : pools).set(engines.size() - 1, true);
            }
            shape = layer.outputShape(shape);
        }
        int n = engines.size();
        jcnn.kernel.Convolution[] convs = engines.toArray(new jcnn.kernel.Convolution[0]);
        if (chain.kernel == null || !chain.kernel.matches(convs, shape[0])) {
            boolean[] relu = new boolean[n], pool = new boolean[n];
            for (int k = 0; k < n; k++) {
                relu[k] = relus.get(k);
                pool[k] = pools.get(k);
            }
            chain.kernel = jcnn.kernel.WinogradChain.of(convs, relu, pool, shape[0]);
            if (chain.kernel == null) {
                chain.refusedShape = h.shape();
                chain.refusedThreads = jcnn.kernel.Parallel.threads();
                return null;
            }
        }
        chain.output = Tensor.reuse(chain.output, shape);
        chain.kernel.forward(h.data(), weights.toArray(new float[0][]), biases.toArray(new float[0][]), chain.output.data());
        return chain.output;
    }

    /**
     * The index of a max pooling that layer i's forward can run together with: a convolution followed by a
     * {@link MaxPool2d}, directly or after a {@link ReLU} (fusion on); -1 for none.
     */
    private int poolingAfter(int i) {
        if (!fusion || !(layers.get(i) instanceof ConvNd<?> conv) || !conv.fusesPooling()) return -1;
        int j = i + 1 < layers.size() && layers.get(i + 1) instanceof ReLU ? i + 2 : i + 1;
        return j < layers.size() && layers.get(j) instanceof MaxPool2d ? j : -1;
    }

    /**
     * The index of a convolution whose backward can take the backward of the max pooling at i along (fusion on): the
     * layer before it, or the one before a ReLU before it; -1 for none.
     */
    private int convolutionBefore(int i) {
        if (!fusion || !(layers.get(i) instanceof MaxPool2d)) return -1;
        int c = i - 1;
        if (c >= 0 && layers.get(c) instanceof ReLU relu) {
            if (!relu.isInputGradRequired()) return -1;
            c--;
        }
        return c >= 0 && layers.get(c) instanceof ConvNd<?> conv && conv.fusesPooling() ? c : -1;
    }

    /**
     * The ReLU right before the convolution at {@code at} whose backward that convolution's input gradient can
     * apply as it is written (fusion on, both gradients required), or null.
     */
    private ReLU reluBeforeConvolution(int at) {
        if (!fusion || at < 1 || !(layers.get(at) instanceof ConvNd<?> conv) || !conv.fusesPooling()
                || !conv.isInputGradRequired() || !(layers.get(at - 1) instanceof ReLU relu) || !relu.isInputGradRequired()) {
            return null;
        }
        return relu;
    }

    /** The shape checks of layers [from, to] in order, each failure naming its layer. */
    private void checkShapes(int from, int to, int[] shape) {
        for (int i = from; i <= to; i++) {
            try {
                shape = layers.get(i).outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " ('" + nameOf(i) + "'): " + e.getMessage(), e);
            }
        }
    }

    /** Forward in evaluation mode: {@code forward(x, false)}. */
    public Tensor predict(Tensor x) {
        return forward(x, false);
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Tensor g = gradOutput;
        for (int i = layers.size() - 1; i >= 0; i--) {
            int conv = convolutionBefore(i), at = conv >= 0 ? conv : i;
            ReLU relu = reluBeforeConvolution(at);
            Tensor reluOutput = relu == null ? null : relu.activated();
            if (conv >= 0) {
                g = ((ConvNd<?>) layers.get(conv)).backwardThroughPool(g, (MaxPool2d) layers.get(i), conv == i - 2, reluOutput);
            } else if (relu != null) {
                g = ((ConvNd<?>) layers.get(i)).backward(g, reluOutput);
            } else if (fusion && i > 0 && layers.get(i) instanceof MaxPool2d pool && layers.get(i - 1) instanceof ReLU r
                    && r.isInputGradRequired()) {
                g = pool.backward(g, true);
                i--;
                continue;
            } else {
                g = layers.get(i).backward(g);
            }
            i = relu != null ? at - 1 : at;  // the layers whose backward was done along
            if (g == null && i > 0) {
                throw new IllegalStateException("layer " + i + " ('" + nameOf(i) + "') returned no input gradient");
            }
        }
        return g;
    }


    @Override
    public Sequential train(boolean training) {
        super.train(training);
        for (Layer l : layers) l.train(training);
        return this;
    }

    // ---------------------------------------------------------------------------------------------------
    // Parameters and state
    // ---------------------------------------------------------------------------------------------------

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer l : layers) all.addAll(l.parameters());
        return all;
    }

    /** Every parameter by its full name, e.g. {@code "0.weight"}, in order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String prefix = nameOf(i) + ".";
            if (l instanceof Sequential inner) {
                inner.namedParameters().forEach((k, v) -> out.put(prefix + k, v));
            } else {
                for (Parameter p : l.parameters()) out.put(prefix + p.name(), p);
            }
        }
        return out;
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            String prefix = nameOf(i) + ".";
            layers.get(i).buffers().forEach((k, v) -> out.put(prefix + k, v));
        }
        return out;
    }

    /** Parameters and buffers by full name, PyTorch's {@code state_dict()}: what a model file stores. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> out.put(k, p.value()));
        out.putAll(buffers());
        return out;
    }

    /**
     * Copies every tensor of {@code state} into this model's parameters and buffers. All names and shapes are
     * checked before anything is copied, so a mismatch leaves the model as it was.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> mine = stateDict();
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) throw new IllegalArgumentException("loadStateDict: missing '" + e.getKey() + "'");
            if (!src.hasShape(e.getValue().shape())) {
                throw new IllegalArgumentException("loadStateDict: shape mismatch in '" + e.getKey() + "': expected "
                        + Tensor.shapeString(e.getValue().shape()) + ", found " + Tensor.shapeString(src.shape()));
            }
        }
        for (String k : state.keySet()) {
            if (!mine.containsKey(k)) throw new IllegalArgumentException("loadStateDict: unexpected '" + k + "' (this model has " + mine.keySet() + ")");
        }
        mine.forEach((k, t) -> t.copyFrom(state.get(k)));
    }

    /**
     * Re-initialises every parameter with {@code init}, drawing in layer order from one generator seeded with
     * {@code seed}: the same seed gives the same model bit for bit.
     */
    public Sequential initialize(Init init, long seed) {
        initialize(init, new SplittableRandom(seed));
        return this;
    }

    @Override
    public void initialize(Init init, RandomGenerator rng) {
        for (Layer l : layers) l.initialize(init, rng);
    }

    // ---------------------------------------------------------------------------------------------------
    // Text
    // ---------------------------------------------------------------------------------------------------

    /**
     * A Keras-style table: each layer's name, description, output shape and parameter count, then the totals.
     * Needs {@link #build} (or use {@link #summary(int...)}).
     */
    public String summary() {
        if (builtInputShape == null) throw new IllegalStateException("Sequential.summary: call build(inputShape) first, or summary(inputShape)");
        return summary(builtInputShape);
    }

    public String summary(int... inputShape) {
        List<int[]> shapes = outputShapes(inputShape);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "Layer", "Output shape", "Params"});
        long total = 0;
        for (int i = 0; i < layers.size(); i++) {
            long n = layers.get(i).parameterCount();
            total += n;
            rows.add(new String[] {nameOf(i), layers.get(i).toString(), Tensor.shapeString(shapes.get(i)), String.format("%,d", n)});
        }
        int[] w = new int[4];
        for (String[] r : rows) for (int c = 0; c < 4; c++) w[c] = Math.max(w[c], r[c].length());
        StringBuilder sb = new StringBuilder();
        String rule = "-".repeat(w[0] + w[1] + w[2] + w[3] + 6) + "\n";
        sb.append("Input shape: ").append(Tensor.shapeString(inputShape)).append('\n').append(rule);
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            sb.append(String.format("%-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %" + w[3] + "s%n", (Object[]) row));
            if (r == 0) sb.append(rule);
        }
        sb.append(rule).append(String.format("Total parameters: %,d (%,d bytes as float32)%n", total, total * 4));
        return sb.toString();
    }

    /** PyTorch-style nested listing: {@code Sequential(\n  (0): Conv2d(...)\n  ...)}. */
    @Override
    public String toString() {
        if (layers.isEmpty()) return "Sequential()";
        StringBuilder sb = new StringBuilder("Sequential(\n");
        for (int i = 0; i < layers.size(); i++) {
            sb.append("  (").append(nameOf(i)).append("): ").append(layers.get(i).toString().replace("\n", "\n  ")).append('\n');
        }
        return sb.append(')').toString();
    }
}
