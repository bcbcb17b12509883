using System.Runtime.InteropServices;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Which CPU attention path makes a sequence-to-sequence training step faster, by length: the same model and batches
/// trained with attention written out (QKᵀ and ·V in bf16, softmax in fp32) and with libtorch's fused kernel (in fp32,
/// the library's rule for long keys), interleaved in one run. It measures the rule behind
/// <c>MultiHeadAttention.ExplicitMaxKeyLength</c>.
/// </summary>
internal static class Seq2SeqAttentionBenchmark
{
    public const string Usage = """
        seq2seq-attention [--lengths 8,24,64,128] [--tokens 1024] [--windows 3] [--model-dim 256] [--heads 4] [--layers 3] [--vocab 90] [--threads N]
          --lengths  source = target lengths to compare at (every row that long)
          --tokens   tokens per side of a batch: batch = tokens / length rows
          --windows  timed windows per path and length, interleaved; each lasts at least 1 s
        """;

    private static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(1), WarmupTime = TimeSpan.FromSeconds(2);

    public static int Run(BenchmarkArgs args)
    {
        int[] lengths = [.. (args.GetString("lengths") ?? "8,24,64,128").Split(',').Select(int.Parse)];
        int tokens = args.GetInt("tokens", 1024), windows = args.GetInt("windows", 3), d = args.GetInt("model-dim", 256);
        int heads = args.GetInt("heads", 4), layers = args.GetInt("layers", 3), vocabulary = args.GetInt("vocab", 90);
        int threads = args.GetInt("threads", Environment.ProcessorCount);
        args.ThrowIfUnread();
        set_num_threads(threads);
        Console.WriteLine($"seq2seq-attention: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, " +
                          $"torch threads {get_num_threads()}; d_model {d}, {heads} heads, {layers} + {layers} layers, d_ff {4 * d}, vocabulary {vocabulary}, " +
                          $"dropout 0.1, bf16 autocast, AdamW; {tokens} tokens a side per batch");
        var results = new List<Dictionary<string, object>>();
        foreach (int length in lengths)
        {
            int batch = Math.Max(1, tokens / length);
            var step = new Step(d, heads, layers, vocabulary, length, batch);
            long positions = 2L * batch * length;
            var paths = new List<TimedPath>
            {
                new("written out", () => step.Run(int.MaxValue), positions),
                new("fused", () => step.Run(0), positions),
            };
            TimeSpan[] fastest = TimedWindows.WarmUp(paths, WarmupTime, minimumRounds: 2);
            double[][] rates = TimedWindows.Measure(paths, [.. fastest.Select(f => TimedWindows.PassesPerWindow(f, MinimumWindow))], windows);
            double writtenOut = TimedWindows.Median(rates[0]), fused = TimedWindows.Median(rates[1]);
            Console.WriteLine($"length {length,4}, batch {batch,4}: written out {writtenOut,8:N0} tokens/s, fused {fused,8:N0} tokens/s, " +
                              $"written out / fused {writtenOut / fused:F2}");
            results.Add(new() { ["length"] = length, ["batch"] = batch, ["written_out_tokens_per_s"] = Math.Round(writtenOut),
                ["fused_tokens_per_s"] = Math.Round(fused), ["ratio"] = Math.Round(writtenOut / fused, 3) });
            step.Dispose();
        }
        MultiHeadAttention.CpuExplicitMaxKeyLength = MultiHeadAttention.ExplicitMaxKeyLength;
        Console.WriteLine($"the library writes attention out on the CPU up to {MultiHeadAttention.ExplicitMaxKeyLength} keys");
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "seq2seq-attention", ["d_model"] = d, ["heads"] = heads, ["layers"] = layers, ["tokens"] = tokens, ["threads"] = threads,
            ["library_limit"] = MultiHeadAttention.ExplicitMaxKeyLength, ["lengths"] = results,
        }));
        return 0;
    }

    /// <summary>One training step of an <see cref="EncoderDecoder"/> on fixed random batches (sources and targets of
    /// <c>length</c> tokens), with the CPU attention limit set for the step.</summary>
    private sealed class Step : IDisposable
    {
        private readonly EncoderDecoder _model;
        private readonly TorchSharp.Modules.AdamW _optimizer;
        private readonly Tensor _source, _target, _labels;

        public Step(int d, int heads, int layers, int vocabulary, int length, int batch)
        {
            var config = new TransformerConfig
            {
                ModelDimension = d, Heads = heads, EncoderLayers = layers, DecoderLayers = layers, FeedForwardDimension = 4 * d, Dropout = 0.1,
                MaxLength = length + 1, SourceVocabularySize = vocabulary, TargetVocabularySize = vocabulary, TieOutputProjection = true,
                PaddingId = SpecialTokens.Pad,
            }.Validate();
            _model = new EncoderDecoder(config, seed: 1);
            _model.train();
            _optimizer = OptimizerFactory.AdamW(_model, new SequenceToSequenceOptions());
            var generator = new Generator(7);
            _source = randint(SpecialTokens.Count, vocabulary, [batch, length], generator: generator);
            _target = randint(SpecialTokens.Count, vocabulary, [batch, length], generator: generator);
            _labels = randint(SpecialTokens.Count, vocabulary, [batch, length], generator: generator);
        }

        public long Run(int explicitMaxKeys)
        {
            MultiHeadAttention.CpuExplicitMaxKeyLength = explicitMaxKeys;
            using var scope = NewDisposeScope();
            Tensor loss;
            using (Autocast.Enable(ScalarType.BFloat16))
                (loss, _) = FusedVocabularyLoss.Compute(_model.Forward(_source, _target), _labels, _model.Projection, 0.1, countCorrect: false);
            loss.backward();
            _optimizer.step();
            _optimizer.zero_grad();
            return 2 * _source.shape[0] * _source.shape[1];
        }

        public void Dispose()
        {
            _optimizer.Dispose();
            _model.Dispose();
        }
    }
}
