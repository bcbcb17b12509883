using System.Diagnostics;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Compute;
using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// The training loop every trainer shares: AdamW (fp32 master weights) under the scheduled learning rate, optional
/// bf16 autocast, gradient accumulation and clipping, one dispose scope per step, validation with early stopping and
/// keep-best, a checkpoint per epoch with resume, progress to the ML.NET log and the user's callbacks, and
/// <see cref="TransformerTrainingOptions.CancellationToken"/> (and <c>MLContext.CancelExecution()</c>) honoured before
/// every step, while reading rows and during validation. Loops run one at a time in a process (<see cref="TrainingGate"/>),
/// with <see cref="TransformerTrainingOptions.Threads"/> libtorch threads.
/// </summary>
internal sealed class TrainingLoop<TBatch>
{
    private readonly IHost _host;
    private readonly TransformerTrainingOptions _options;
    private readonly ITrainingTask<TBatch> _task;
    private readonly PrecisionChoice _precision;
    private readonly ScalarType? _autocast;
    private readonly int _seed;
    private readonly string _fingerprint;
    private readonly CancellationToken _cancellation;

    /// <param name="fingerprint">Identifies the run (model shape, options, data size): a checkpoint resumes only the same run.</param>
    public TrainingLoop(IHost host, TransformerTrainingOptions options, ITrainingTask<TBatch> task, Device device, int seed, string fingerprint)
    {
        (_host, _options, _task, _seed, _fingerprint) = (host, options, task, seed, fingerprint);
        _precision = options.Precision(device.type);
        _autocast = _precision.BFloat16 ? ScalarType.BFloat16 : null;
        _cancellation = options.CancellationToken;
    }

    /// <summary>Trains the task's model in place; returns every epoch's summary (resumed epochs included). Waits for
    /// other loops of the process to finish first; computes with the options' threads, denormal floats flushed to zero
    /// (<see cref="ComputeScope"/>).</summary>
    public IReadOnlyList<EpochSummary> Run()
    {
        using (TrainingGate.Enter(_host, _cancellation))   // the trainer holds it already (reentrant); a loop alone takes it here
        using (ComputeScope compute = ComputeScope.During(_options.Threads))
        {
            if (compute.AllocatorTuning is { } tuning)
                using (IChannel allocatorChannel = _host.Start("Native allocator")) allocatorChannel.Info(tuning);
            return Train();
        }
    }

    private IReadOnlyList<EpochSummary> Train()
    {
        long rows = _task.CountRows();
        if (rows == 0) throw _host.Except("The training data has no rows.");
        if (_options.ValidationSet is { } validationSet && _task.ValidationBatches(_cancellation) is { } validationBatches)
            ValidationPass.RequireBatches(_host, validationSet, validationBatches);
        long batchesPerEpoch = _task.CountBatches(_cancellation) ?? (rows + _options.BatchSize - 1) / _options.BatchSize;
        long stepsPerEpoch = (batchesPerEpoch + _options.GradientAccumulationSteps - 1) / _options.GradientAccumulationSteps;
        TrainingLength length = TrainingLength.Plan(_options.Epochs, stepsPerEpoch, _options.Defaults);
        long totalSteps = length.TotalSteps;
        var scheduler = new LearningRateScheduler(_options.Schedule, _options.EffectiveLearningRate,
            _options.WarmupSteps ?? LearningRateScheduler.DefaultWarmupSteps(totalSteps), totalSteps, _options.MinimumLearningRate,
            _task.ModelDimension);

        using IChannel channel = _host.Start("Training");
        using AdamW optimizer = OptimizerFactory.AdamW(_task.Model, _options);
        var run = new RunState(_fingerprint);
        var checkpoints = _options.CheckpointDirectory is { } dir ? new TrainingCheckpoint(dir, _host) : null;
        if (checkpoints?.TryResume(_fingerprint, _task.Model, optimizer) is { } resumed)
        {
            run = resumed;
            channel.Info($"Resuming from the checkpoint in '{checkpoints.Directory}' after epoch {run.EpochsDone} (step {run.Steps}).");
        }

        using IProgressChannel progressChannel = _host.StartProgressChannel("Transformer training");
        var meter = new ProgressMeter(_options, channel, length.Epochs, totalSteps, run.Steps);
        progressChannel.SetHeader(new ProgressHeader(["Loss", "Accuracy"], ["Step", "Epoch"]), entry =>
        {
            entry.SetProgress(0, meter.Step, totalSteps);
            entry.SetProgress(1, meter.Epoch, length.Epochs);
            entry.SetMetric(0, meter.LastLoss);
            entry.SetMetric(1, meter.LastAccuracy);
        });
        channel.Info($"Training for {length.Describe($"{rows} rows in {batchesPerEpoch} batches × {_options.GradientAccumulationSteps}")}, " +
                     $"{_precision.Description}" +
                     (DenormalFlush.Available ? $"; denormal floats flush to zero ({DenormalFlush.OptOutVariable}=0 keeps them)." : "."));

        if (length.ShortRunWarning() is { } tooShort) channel.Warning(tooShort);

        for (int epoch = run.EpochsDone; epoch < length.Epochs && !run.Stopped && !_task.Finished; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var (loss, accuracy, tokens) = TrainEpoch(epoch, optimizer, scheduler, run, meter);
            ValidationResult? validation = Validate();
            EpochSummary summary = run.EndEpoch(epoch, loss, accuracy, validation, _task.LastEpoch, tokens / clock.Elapsed.TotalSeconds, clock.Elapsed,
                _options, _task.Model);
            channel.Info(Describe(summary));
            checkpoints?.Save(run, _task.Model, optimizer);
            _options.OnEpochEnd?.Invoke(summary);
            if (run.Stopped) channel.Info($"Early stopping: no better validation metric for {_options.EarlyStoppingPatience} epochs.");
            if (_task.Finished) channel.Info($"The task finished training during epoch {summary.Epoch} (its time budget ran out).");
        }

        if (run.AveragingWindow.Count > 1) AverageWeights(run, channel);
        else if (_options.KeepBestModel && run.Best is { } best && run.BestEpoch != run.EpochsDone)
        {
            channel.Info($"Keeping the weights of epoch {run.BestEpoch}, the best on validation.");
            Serialization.ModuleState.Import(_task.Model, new Serialization.TensorSet(best, "best epoch"));
        }
        _task.Model.eval();
        return run.History;
    }

    /// <summary>Sets the model to the mean of the window's weights and logs its validation metric beside the last epoch's.</summary>
    private void AverageWeights(RunState run, IChannel channel)
    {
        int count = run.AveragingWindow.Count, last = run.EpochsDone;
        Serialization.ModuleState.Import(_task.Model, new Serialization.TensorSet(WeightAverage.Mean(run.AveragingWindow), "averaged epochs"));
        string validation = Validate() is { } averaged
            ? $"; validation loss {averaged.Loss:F4}, metric {averaged.Metric:F4} (epoch {last}: {run.History[^1].ValidationLoss:F4}, {run.History[^1].ValidationMetric:F4})"
            : "";
        channel.Info($"Averaged the weights of epochs {last - count + 1}–{last} (AverageLastEpochs = {_options.AverageLastEpochs}){validation}.");
    }

    private (double Loss, double Accuracy, long Tokens) TrainEpoch(int epoch, AdamW optimizer, LearningRateScheduler scheduler, RunState run, ProgressMeter meter)
    {
        _task.Model.train();
        manual_seed(DropoutSeed(epoch));   // dropout masks depend on the epoch only, so a resumed run draws the same ones
        meter.StartEpoch(epoch + 1);
        double lossSum = 0, correct = 0;
        long examples = 0, tokens = 0;
        int accumulated = 0;
        using (NewDisposeScope()) optimizer.zero_grad();   // the scope frees the .grad handles zero_grad makes
        foreach (TBatch batch in _task.ReadEpoch(epoch, _cancellation))
        {
            _host.CheckAlive();
            _cancellation.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                BatchLoss output;
                using (Autocast.Enable(_autocast)) output = _task.Forward(batch);
                Tensor loss = _options.GradientAccumulationSteps == 1 ? output.Loss : output.Loss.div(KeptScalars.Of((long)_options.GradientAccumulationSteps));
                loss.backward();
                double batchLoss = output.Loss.item<float>(), batchCorrect = output.Correct.item<long>();
                if (!double.IsFinite(batchLoss))
                    throw _host.Except($"The training loss became {batchLoss} at epoch {epoch + 1}, step {run.Steps + 1}: lower LearningRate, " +
                        "keep GradientClipNorm on, or use NormFirst = true.");
                lossSum += batchLoss * output.Examples;
                correct += batchCorrect;
                examples += output.Examples;
                tokens += output.Tokens;
                meter.AddBatch(batchLoss * output.Examples, batchCorrect, output.Examples, output.Tokens);
            }
            if (++accumulated < _options.GradientAccumulationSteps) continue;
            Step(optimizer, scheduler, run, meter);
            accumulated = 0;
        }
        if (accumulated > 0) Step(optimizer, scheduler, run, meter);   // the epoch's leftover batches
        return (lossSum / Math.Max(examples, 1), correct / Math.Max(examples, 1), tokens);
    }

    /// <summary>Mean loss and metric on the task's validation batches, or null without them.</summary>
    private ValidationResult? Validate()
    {
        if (_task.ValidationBatches(_cancellation) is not { } batches) return null;
        ValidationTotals totals;
        using (Autocast.Enable(_autocast)) totals = ValidationPass.Run(_task.Model, batches, _task.ValidationLoss, _cancellation);
        return new ValidationResult(totals.MeanLoss, _task.ValidationMetric(totals.MeanLoss, totals.Accuracy), _task.ValidationDetails);
    }

    private void Step(AdamW optimizer, LearningRateScheduler scheduler, RunState run, ProgressMeter meter)
    {
        using (var scope = NewDisposeScope())
        {
            if (_options.GradientClipNorm is > 0 and var clip) nn.utils.clip_grad_norm_(_task.Model.parameters(), clip);
            double rate = OptimizerLearningRate.Apply(optimizer, scheduler, run.Steps);
            optimizer.step();
            optimizer.zero_grad();
            run.Steps++;
            meter.AfterStep(run.Steps, rate);
        }
    }

    private int DropoutSeed(int epoch) => unchecked(_seed * 7919 + epoch * 104729 + 17);

    private static string Describe(EpochSummary s)
        => $"Epoch {s.Epoch}: training loss {s.TrainingLoss:F4}, accuracy {s.TrainingAccuracy:P2}" +
           (s.ValidationLoss is { } vl ? $"; validation loss {vl:F4}, metric {s.ValidationMetric:F4}{(s.IsBest ? " (best)" : "")}" +
               string.Concat(s.ValidationDetails.Select(detail => $", {detail.Key} {detail.Value:F4}")) : "") +
           $"; {s.Rows} rows{string.Concat(s.SkippedRows.Select(skip => $", {skip.Value} skipped for {skip.Key}"))}, {s.TokensPerSecond:N0} tokens/s, " +
           $"{s.Duration.TotalSeconds:F0} s.";
}
