using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Seq2Seq;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Where a sequence-to-sequence training step's time goes on the CPU: the raw loop's step (<see cref="RawSeq2SeqTraining"/>'s
/// work) cut into phases timed one after another (libtorch's CPU ops are synchronous), then the two pieces the library
/// replaced, each against libtorch's own: dropout (<see cref="CounterDropout"/> against <c>nn.functional.dropout</c>) and
/// the vocabulary loss's forward + backward (<see cref="FusedVocabularyLoss"/> against autograd through
/// <see cref="VocabularyLoss"/>), on the shape's activations.
/// </summary>
internal static class Seq2SeqProfileBenchmark
{
    public const string Usage = """
        seq2seq-profile [--steps 20] [--precision bf16|fp32] [--dropout 0.1] [--repeats 20]
                        [--model-dim 256] [--heads 4] [--enc-layers 3] [--dec-layers 3] [--ff-dim 1024] [--vocab 8000]
                        [--src-len 24] [--tgt-len 24] [--batch 64] [--threads N] [--seed 1]
          --steps     timed training steps, after 3 warm ones (default 20)
          --precision bf16 (default: under Autocast, as MixedPrecision = true) or fp32
          --dropout   the model's dropout (default 0.1; 0 shows what dropout costs)
          --repeats   timed calls of each op comparison, after 3 warm ones (default 20)
          The anchor of docs/seq2seq.md (Transformer-tiny on Multi30k): --model-dim 128 --enc-layers 4 --dec-layers 4 --ff-dim 256
          --src-len 14 --tgt-len 14 --batch 128.
        """;

    public static int Run(BenchmarkArgs args)
    {
        Seq2SeqSettings settings = Seq2SeqSettings.Parse(args, Seq2SeqSettings.Default);
        int steps = args.GetInt("steps", 20), repeats = args.GetInt("repeats", 20);
        string precision = args.GetString("precision") ?? "bf16";
        if (precision is not ("bf16" or "fp32")) throw new UsageException($"--precision must be bf16 or fp32, got '{precision}'.");
        double dropout = args.GetDouble("dropout", 0.1);
        if (dropout is < 0 or >= 1) throw new UsageException($"--dropout must be in [0, 1), got {dropout}.");
        args.ThrowIfUnread();
        set_num_threads(settings.Threads);
        ScalarType? autocast = precision == "bf16" ? ScalarType.BFloat16 : null;

        Console.WriteLine($"seq2seq-profile: {settings}, {precision}, dropout {dropout}, torch threads {get_num_threads()}");
        Dictionary<string, double> phases = ProfileSteps(settings, autocast, dropout, steps);
        double total = phases.Values.Sum();
        Console.WriteLine($"training step, mean of {steps}: {total:F1} ms");
        foreach (var (name, ms) in phases) Console.WriteLine($"  {name,-28} {ms,8:F1} ms  {ms / total,6:P1}");

        var ops = new Dictionary<string, double>();
        using (NewDisposeScope())
        {
            Tensor activation = randn(settings.Batch, settings.TargetLength + 1, settings.ModelDimension);
            ops["dropout_libtorch_ms"] = Time(repeats, () => nn.functional.dropout(activation, 0.1, training: true));
            ops["dropout_counter_ms"] = Time(repeats, () => CounterDropout.Apply(activation, 0.1, training: true));
            (ops["loss_autograd_ms"], ops["loss_fused_ms"]) = CompareLosses(settings, autocast, repeats);
        }
        Console.WriteLine($"dropout of one [{settings.Batch} × {settings.TargetLength + 1} × {settings.ModelDimension}] activation: libtorch " +
            $"{ops["dropout_libtorch_ms"]:F2} ms, CounterDropout {ops["dropout_counter_ms"]:F2} ms");
        Console.WriteLine($"vocabulary loss, forward + backward over {settings.Batch * (settings.TargetLength + 1):N0} positions × {settings.Vocabulary:N0} " +
            $"tokens: autograd (VocabularyLoss) {ops["loss_autograd_ms"]:F1} ms, fused (FusedVocabularyLoss) {ops["loss_fused_ms"]:F1} ms");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "seq2seq-profile", ["precision"] = precision, ["dropout"] = dropout, ["steps"] = steps,
            ["step_ms"] = Math.Round(total, 1), ["phases_ms"] = phases.ToDictionary(p => p.Key, p => Math.Round(p.Value, 1)),
            ["ops_ms"] = ops.ToDictionary(p => p.Key, p => Math.Round(p.Value, 2)),
            ["d_model"] = settings.ModelDimension, ["heads"] = settings.Heads, ["enc_layers"] = settings.EncoderLayers, ["dec_layers"] = settings.DecoderLayers,
            ["d_ff"] = settings.FeedForward, ["vocab"] = settings.Vocabulary, ["src_len"] = settings.SourceLength, ["tgt_len"] = settings.TargetLength,
            ["batch"] = settings.Batch, ["threads"] = settings.Threads, ["cores"] = Environment.ProcessorCount,
        }));
        return 0;
    }

    /// <summary>Mean milliseconds per step of each phase of the raw loop's step, on the trainer's batches of the shape.</summary>
    private static Dictionary<string, double> ProfileSteps(Seq2SeqSettings settings, ScalarType? autocast, double dropout, int steps)
    {
        const int warm = 3;
        var workload = new Seq2SeqTrainWorkload(settings, 2, 2);
        TransformerConfig config = workload.Config with { Dropout = dropout };
        using var model = new EncoderDecoder(config, settings.Seed);
        model.train();
        using var optimizer = new RawOptimizer(model, new SequenceToSequenceOptions());
        int lengthMultiple = Seq2SeqTrainingTask.LengthMultiple(CPU);
        var phases = new Dictionary<string, double>();
        var clock = new Stopwatch();
        for (int step = 0; step < warm + steps; step++)
        {
            bool timed = step >= warm;
            void Mark(string phase)
            {
                if (timed) phases[phase] = phases.GetValueOrDefault(phase) + clock.Elapsed.TotalMilliseconds / steps;
                clock.Restart();
            }
            TokenBatch<int[]> batch = workload.Batches[step % workload.Batches.Count];
            using var scope = NewDisposeScope();
            clock.Restart();
            var (input, labels, _) = TeacherForcing.Tensors(batch.Labels, config.MaxLength, lengthMultiple, config.PaddingId, CPU);
            Tensor source = batch.IdsTensor(CPU);
            Mark("batch tensors");
            Tensor loss;
            Tensor? correct;
            using (Autocast.Enable(autocast))
            {
                var (memory, mask) = model.Encode(source);
                Mark("encoder forward");
                Tensor hidden = model.Decode(input, memory, mask);
                Mark("decoder forward");
                (loss, correct) = FusedVocabularyLoss.Compute(hidden, labels, model.Projection, 0.1);
                Mark("loss forward");
            }
            loss.backward();
            Mark("backward");
            _ = loss.item<float>() + correct!.item<long>();
            Mark("loss.item()");
            optimizer.Step();
            Mark("clip, AdamW, zero_grad");
        }
        return phases;
    }

    /// <summary>Forward + backward of the vocabulary loss on the step's decoder output shape, autograd against fused.</summary>
    private static (double Autograd, double Fused) CompareLosses(Seq2SeqSettings settings, ScalarType? autocast, int repeats)
    {
        long positions = (long)settings.Batch * (settings.TargetLength + 1);
        Tensor hidden = randn(positions, settings.ModelDimension).requires_grad_();
        Tensor weight = randn(settings.Vocabulary, settings.ModelDimension).mul_(0.05).requires_grad_();
        Tensor labels = randint(SpecialTokens.Count, settings.Vocabulary, positions);
        var projection = new VocabularyProjection(weight, null);
        Tensor Autograd()
        {
            Tensor loss;
            using (Autocast.Enable(autocast))
                (loss, _) = VocabularyLoss.Compute(hidden, labels, h => Autocast.Logits(h, projection), settings.Vocabulary, 0.1);
            loss.backward();
            return loss;
        }
        Tensor Fused()
        {
            Tensor loss;
            using (Autocast.Enable(autocast)) (loss, _) = FusedVocabularyLoss.Compute(hidden, labels, projection, 0.1);
            loss.backward();
            return loss;
        }
        return (Time(repeats, Autograd), Time(repeats, Fused));
    }

    private static double Time(int repeats, Func<Tensor> op)
    {
        for (int i = 0; i < 3; i++) using (NewDisposeScope()) op();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) using (NewDisposeScope()) op();
        return clock.Elapsed.TotalMilliseconds / repeats;
    }
}
