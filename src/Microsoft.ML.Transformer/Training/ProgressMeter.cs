using System.Diagnostics;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Training;

/// <summary>Running loss, accuracy and speed between progress reports; reports to the ML.NET log and the user's
/// <see cref="TransformerTrainingOptions.OnProgress"/> every <see cref="TransformerTrainingOptions.ProgressInterval"/> steps.</summary>
internal sealed class ProgressMeter
{
    private readonly TransformerTrainingOptions _options;
    private readonly IChannel _channel;
    private readonly int _epochs;
    private readonly long _totalSteps, _firstStep;
    private readonly Stopwatch _run = Stopwatch.StartNew(), _window = Stopwatch.StartNew();
    private double _lossSum, _correct;
    private long _examples, _tokens;

    public ProgressMeter(TransformerTrainingOptions options, IChannel channel, int epochs, long totalSteps, long firstStep)
    {
        (_options, _channel, _epochs, _totalSteps, _firstStep) = (options, channel, epochs, totalSteps, firstStep);
        Step = firstStep;
    }

    public int Epoch { get; private set; }

    public long Step { get; private set; }

    public double LastLoss { get; private set; } = double.NaN;

    public double LastAccuracy { get; private set; } = double.NaN;

    public void StartEpoch(int epoch) => Epoch = epoch;

    public void AddBatch(double lossSum, double correct, int examples, int tokens)
    {
        _lossSum += lossSum;
        _correct += correct;
        _examples += examples;
        _tokens += tokens;
    }

    public void AfterStep(long step, double learningRate)
    {
        Step = step;
        if (step % Math.Max(_options.ProgressInterval, 1) != 0 && step != _totalSteps) return;
        double seconds = Math.Max(_window.Elapsed.TotalSeconds, 1e-9);
        LastLoss = _lossSum / Math.Max(_examples, 1);
        LastAccuracy = _correct / Math.Max(_examples, 1);
        double stepsPerSecond = (step - _firstStep) / Math.Max(_run.Elapsed.TotalSeconds, 1e-9);
        var remaining = TimeSpan.FromSeconds(stepsPerSecond > 0 ? Math.Max(_totalSteps - step, 0) / stepsPerSecond : 0);
        var progress = new TrainingProgress(Epoch, _epochs, step, _totalSteps, LastLoss, LastAccuracy, learningRate,
            _tokens / seconds, _run.Elapsed, remaining);
        _channel.Info($"Epoch {Epoch}/{_epochs}, step {step}/{_totalSteps}: loss {LastLoss:F4}, accuracy {LastAccuracy:P1}, " +
                      $"lr {learningRate:E2}, {progress.TokensPerSecond:N0} tokens/s, ETA {remaining:hh\\:mm\\:ss}");
        _options.OnProgress?.Invoke(progress);
        (_lossSum, _correct, _examples, _tokens) = (0, 0, 0, 0);
        _window.Restart();
    }
}
