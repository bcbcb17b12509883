using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// ELECTRA's replaced-token detection (Clark et al. 2020, section 2) around the encoder being pretrained, the
/// discriminator D. The generator G is a small masked language model: the masked ids go through the embeddings it shares
/// with D (token and positions, section 3.1), a projection to its width (ELECTRA's <c>embeddings_project</c>), its own
/// encoder stack and BERT's head tied to the shared token embedding. Tokens sampled from its predictions
/// (<see cref="Sample"/>, no gradient) replace the masked ones, and D's head — a GELU dense layer, then one logit per
/// token (ELECTRA's <c>discriminator_predictions</c>) — tells for every token whether it was replaced. Only D is kept.
/// </summary>
internal sealed class ReplacedTokenDetection : nn.Module
{
    private const string SamplingBias = "sampling_bias";

    private readonly TransformerEncoderModel discriminator;
    private readonly TorchSharp.Modules.Linear? input_projection;   // ELECTRA's embeddings_project: d_model → G's width (none at full size)
    private readonly Encoder generator;
    private readonly MaskedLanguageModelHead generator_predictions;
    private readonly TorchSharp.Modules.Linear discriminator_dense, discriminator_prediction;

    /// <param name="discriminator">The encoder being pretrained, on its device.</param>
    /// <param name="generatorShape">G's shape (<see cref="GeneratorShape"/>).</param>
    /// <param name="unsampled">Token ids G never proposes (the special tokens: a sampled [PAD] would be hidden from D's attention).</param>
    /// <param name="seed">Draws the new weights (from private generators), so a seed fixes the run.</param>
    public ReplacedTokenDetection(TransformerEncoderModel discriminator, TransformerConfig generatorShape, IReadOnlyList<long> unsampled, long seed)
        : base(nameof(ReplacedTokenDetection))
    {
        this.discriminator = discriminator;
        TransformerConfig config = discriminator.Config;
        Device device = discriminator.TokenTable.weight!.device;
        int width = generatorShape.ModelDimension;
        GeneratorConfig = generatorShape;
        if (width != config.ModelDimension) input_projection = Initialized(nn.Linear(config.ModelDimension, width), seed + 1, device);
        generator = Initialized(new Encoder(generatorShape), seed + 2, device);
        generator_predictions = new MaskedLanguageModelHead(width, config, device, seed + 3);
        discriminator_dense = Initialized(nn.Linear(config.ModelDimension, config.ModelDimension), seed + 4, device);
        discriminator_prediction = Initialized(nn.Linear(config.ModelDimension, 1), seed + 5, device);
        RegisterComponents();
        Tensor bias = zeros(config.SourceVocabularySize, device: device);
        if (unsampled.Count > 0)
            using (Tensor ids = tensor(unsampled.ToArray(), device: device)) bias.index_fill_(0, ids, KeptScalars.NegativeInfinity);
        register_buffer(SamplingBias, bias, persistent: false);   // a function of the vocabulary: not saved
    }

    /// <summary>The encoder being pretrained: D, what pretraining returns.</summary>
    public TransformerEncoderModel Discriminator => discriminator;

    /// <summary>G's shape.</summary>
    public TransformerConfig GeneratorConfig { get; }

    /// <summary>ELECTRA's generator for a discriminator of <paramref name="discriminator"/>'s shape: d_model, d_ff and
    /// heads times <paramref name="fraction"/> (each at least 1, the heads lowered to a divisor of the width), as many
    /// layers, the rest alike (ELECTRA's "generator size" multiplies the hidden, FFN and head counts).</summary>
    public static TransformerConfig GeneratorShape(TransformerConfig discriminator, double fraction)
    {
        static int Scaled(int size, double fraction) => Math.Max(1, (int)Math.Round(size * fraction, MidpointRounding.AwayFromZero));
        int width = Scaled(discriminator.ModelDimension, fraction), heads = Scaled(discriminator.Heads, fraction);
        while (width % heads != 0) heads--;
        int feedForward = Scaled(discriminator.ResolvedFeedForwardDimension, fraction);
        return discriminator with { ModelDimension = width, Heads = heads, FeedForwardDimension = feedForward };
    }

    /// <summary>Masked ids [batch, L] → G's last hidden states [batch, L, width].</summary>
    public Tensor GeneratorHidden(Tensor maskedIds)
    {
        Tensor embedded = discriminator.Embed(maskedIds);
        if (input_projection is not null) embedded = Autocast.Restore(Autocast.Project(input_projection, embedded), embedded);
        return generator.Forward(embedded, AttentionMasks.KeyPadding(maskedIds, discriminator.Config.PaddingId));
    }

    /// <summary>G's hidden states [n, width] → logits over the vocabulary [n, V] (float32), through the shared token embedding.</summary>
    public Tensor GeneratorLogits(Tensor hidden) => generator_predictions.Logits(hidden, discriminator.TokenTable);

    /// <summary>One token per row of <paramref name="logits"/> [n, V], drawn from their softmax with <paramref name="random"/>
    /// (the unsampled tokens excluded): int64 [n], without gradient — ELECTRA does not backpropagate through sampling.</summary>
    public Tensor Sample(Tensor logits, Generator random)
    {
        using var noGrad = no_grad();
        return logits.add(get_buffer(SamplingBias)!, KeptScalars.One).softmax(-1).multinomial(1, generator: random).squeeze(1);
    }

    /// <summary>Ids [batch, L] (the masked tokens replaced by G's samples) → D's logit per token [batch, L] (float32),
    /// positive for "replaced".</summary>
    public Tensor DiscriminatorLogits(Tensor tokenIds)
    {
        Tensor hidden = discriminator.Forward(tokenIds).Hidden;
        Tensor dense = nn.functional.gelu(Autocast.Project(discriminator_dense, hidden));
        return Autocast.Restore(Autocast.Project(discriminator_prediction, dense), hidden).squeeze(-1);
    }

    /// <summary>Frees G and D's head, leaving D (what pretraining returns) alive.</summary>
    public void DisposeAllButDiscriminator()
    {
        input_projection?.Dispose();
        generator.Dispose();
        generator_predictions.Dispose();
        discriminator_dense.Dispose();
        discriminator_prediction.Dispose();
        get_buffer(SamplingBias)?.Dispose();
    }

    private static T Initialized<T>(T module, long seed, Device device) where T : nn.Module
    {
        ParameterInitialization.Initialize(module, seed);
        module.to(device);
        return module;
    }
}
