/**
 * Activation functions, each a {@link jcnn.nn.Layer} with its exact backward pass; {@link
 * jcnn.nn.activation.Activations} looks them up by name.
 *
 * <ul>
 *   <li>Elementwise, on {@link jcnn.nn.activation.ElementwiseActivation}: Step, Identity, BentIdentity,
 *       HardShrink, SoftShrink, Threshold, Sigmoid, HardSigmoid, LogSigmoid, Tanh, TanhShrink, HardTanh,
 *       {@link jcnn.nn.ReLU} (kept in {@code jcnn.nn}), ReLU6, LeakyReLU, ELU, SELU, CELU, Softplus, Softsign,
 *       Swish (SiLU), Mish, TanhExp, GELU.</li>
 *   <li>Along dim 1, on {@link jcnn.nn.activation.SoftmaxAlongChannels}: Softmax, Softmin, LogSoftmax.</li>
 *   <li>Trainable, per channel: AconC (ACON-C).</li>
 * </ul>
 *
 * <p>Names and defaults follow PyTorch in camelCase ({@code LeakyReLU(negativeSlope=0.01)},
 * {@code Softplus(beta=1, threshold=20)}, {@code GELU(approximate='tanh')}); {@code toString()} is PyTorch's repr
 * with only the non-default options. Each class's Javadoc gives its formula, derivative, source and how it
 * treats NaN and extreme inputs.
 */
package jcnn.nn.activation;
