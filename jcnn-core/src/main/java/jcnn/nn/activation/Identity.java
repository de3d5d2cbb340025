package jcnn.nn.activation;

/**
 * The identity ("linear") activation, {@code y = x}, with derivative 1: backward passes the gradient through
 * unchanged. PyTorch's {@code nn.Identity}; useful as a placeholder where a model takes an activation by name.
 * Unlike PyTorch's, it copies into its own output buffer, as every layer here returns a tensor it owns.
 */
public final class Identity extends ElementwiseActivation {

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        System.arraycopy(x, from, y, from, to - from);
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        System.arraycopy(dy, from, dx, from, to - from);
    }
}
