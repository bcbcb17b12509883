using Microsoft.ML.Transformer;
using Spectre.Console;

namespace Samples;

/// <summary>
/// Fits a trainer with a live console progress bar fed by the trainer's progress callback; each epoch's results print
/// as they come.
/// </summary>
internal static class TrainingProgressBar
{
    /// <param name="options">The options the estimator was made with: the trainer reports through their callbacks.</param>
    /// <param name="preparing">What the bar says until the first step (the trainer first learns its vocabulary).</param>
    /// <param name="metrics">The task's figures shown between the loss and the speed, or null for none.</param>
    /// <param name="epochLine">The markup line printed when an epoch ends.</param>
    /// <param name="fit">Fits the estimator.</param>
    public static TModel Fit<TModel>(TransformerTrainingOptions options, string preparing, Func<TrainingProgress, string>? metrics,
        Func<EpochSummary, string> epochLine, Func<TModel> fit)
    {
        TModel model = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(preparing);
                task.IsIndeterminate = true;
                options.OnProgress = p =>
                {
                    task.IsIndeterminate = false;
                    task.MaxValue = p.TotalSteps;
                    task.Value = p.Step;
                    string figures = metrics is null ? "" : metrics(p) + " ";
                    task.Description = $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F3} {figures}{p.TokensPerSecond:N0} tok/s ETA {p.Remaining:hh\\:mm\\:ss}";
                };
                options.OnEpochEnd = e => AnsiConsole.MarkupLine(epochLine(e));
                model = fit();
                task.Value = task.MaxValue;
            });
        return model;
    }
}
