using System.Globalization;
using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>The shape of the encoder-layer benchmark's workload: one layer of <see cref="Config"/> on
/// [<see cref="Batch"/>, <see cref="Length"/>] tokens, inputs drawn from <see cref="Seed"/>.</summary>
internal sealed record EncoderLayerSettings(TransformerConfig Config, int Batch, int Length, int Threads, long Seed)
{
    public long TokensPerStep => (long)Batch * Length;

    public static EncoderLayerSettings Parse(BenchmarkArgs args)
    {
        int dModel = args.GetInt("model-dim", 128);
        int heads = args.GetInt("heads", 4);
        int dFf = args.GetInt("ff-dim", 512);
        int batch = args.GetInt("batch", 32);
        int length = args.GetInt("seq", 256, minimum: 2);
        int threads = args.GetInt("threads", Environment.ProcessorCount);
        int seed = args.GetInt("seed", 1, minimum: 0);
        double dropout = args.GetDouble("dropout", 0);
        if (dModel % heads != 0) throw new UsageException($"--model-dim ({dModel}) must be divisible by --heads ({heads}).");
        if (dropout is < 0 or >= 1) throw new UsageException($"--dropout must be in [0, 1) (got {dropout}).");
        var config = new TransformerConfig
        {
            ModelDimension = dModel,
            Heads = heads,
            EncoderLayers = 1,
            DecoderLayers = 0,
            FeedForwardDimension = dFf,
            Dropout = dropout,
            AttentionDropout = 0,
            MaxLength = length,
        };
        return new EncoderLayerSettings(config, batch, length, threads, seed);
    }

    /// <summary>The options that reproduce these settings (for a child process).</summary>
    public IEnumerable<string> ToArgs() =>
    [
        "--model-dim", Str(Config.ModelDimension), "--heads", Str(Config.Heads), "--ff-dim", Str(Config.ResolvedFeedForwardDimension),
        "--batch", Str(Batch), "--seq", Str(Length), "--threads", Str(Threads), "--seed", Str(Seed),
        "--dropout", Config.Dropout.ToString("R", CultureInfo.InvariantCulture),
    ];

    public override string ToString() =>
        $"d_model {Config.ModelDimension}, {Config.Heads} heads, d_ff {Config.ResolvedFeedForwardDimension}, batch {Batch}, seq {Length}, " +
        $"fp32, dropout {Config.Dropout}, {Threads} thread(s), seed {Seed}";

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
