using Microsoft.ML.Transformer.Compute;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer;

/// <summary>
/// The training settings every trainer of this library shares (classifier, sequence-to-sequence, language model):
/// optimizer, schedule, batches, validation and early stopping, device and precision, checkpoints and progress.
/// Defaults are documented per property; see docs/training.md.
/// </summary>
public abstract class TransformerTrainingOptions
{
    /// <summary>The model's shape: d_model, heads, layers, d_ff, activation, dropout, positions, LayerNorm placement. Each
    /// trainer's options start from their own defaults; change single settings with <c>Shape = { Layers = 4 }</c>.</summary>
    public TransformerShape Shape { get; set; } = new();

    /// <summary>Rows per batch. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Passes over the training data. Default null: chosen from the data size, 3 or as many more as give at least
    /// 1,000 optimizer steps (at most 100), so that a few thousand rows still make a model that has learned; when
    /// fine-tuning an InitialEncoder, 3 or as many more as give 250 steps (at most 20). The training log names the
    /// choice, and warns when a run (set or chosen) makes fewer steps.</summary>
    public int? Epochs { get; set; }

    /// <summary>Peak learning rate of AdamW (the scale factor with <see cref="LearningRateSchedule.InverseSquareRoot"/>).
    /// Default null: 5e-4 when training from random weights; 5e-5 when a classifier fine-tunes a pretrained
    /// <see cref="TransformerClassifierOptions.InitialEncoder"/> (BERT's fine-tuning range is 2e-5 to 5e-5: a from-scratch
    /// rate washes the pretrained weights out). The language model's options set 1e-3.</summary>
    public double? LearningRate { get; set; }

    /// <summary>Where the decaying schedules end. Default 0.</summary>
    public double MinimumLearningRate { get; set; }

    /// <summary>Shape of the learning-rate curve. Default <see cref="LearningRateSchedule.Cosine"/>.</summary>
    public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.Cosine;

    /// <summary>Optimizer steps of linear warmup. Default null: 10% of the run, at most 4000.</summary>
    public int? WarmupSteps { get; set; }

    /// <summary>AdamW β1. Default 0.9.</summary>
    public double AdamBeta1 { get; set; } = 0.9;

    /// <summary>AdamW β2. Default 0.999 (the paper used 0.98).</summary>
    public double AdamBeta2 { get; set; } = 0.999;

    /// <summary>AdamW ε. Default 1e-8.</summary>
    public double AdamEpsilon { get; set; } = 1e-8;

    /// <summary>Decoupled weight decay of weight matrices (not of biases, LayerNorm gains or embeddings). Default 0.01.</summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Clip the gradients' global L2 norm to this before each optimizer step; null or 0 turns clipping off.
    /// Default 1.0.</summary>
    public double? GradientClipNorm { get; set; } = 1.0;

    /// <summary>ε of label smoothing (the paper used 0.1 for translation). Default 0.</summary>
    public double LabelSmoothing { get; set; }

    /// <summary>Batches whose gradients are summed before one optimizer step (an effective batch of
    /// <see cref="BatchSize"/> × this). Default 1.</summary>
    public int GradientAccumulationSteps { get; set; } = 1;

    /// <summary>Seed of initialization, shuffling and dropout. Default null: drawn from the <c>MLContext</c> seed.</summary>
    public int? Seed { get; set; }

    /// <summary>Data evaluated after each epoch (same columns as the training data). Default null: no validation.</summary>
    public IDataView? ValidationSet { get; set; }

    /// <summary>Stop after this many epochs without a better validation metric. Default null: never stop early.
    /// Needs <see cref="ValidationSet"/>.</summary>
    public int? EarlyStoppingPatience { get; set; }

    /// <summary>With a <see cref="ValidationSet"/>: return the weights of the epoch with the best validation metric,
    /// not those of the last epoch. Default true.</summary>
    public bool KeepBestModel { get; set; } = true;

    /// <summary>Checkpoint averaging (Vaswani et al. 2017, §6.1): the fitted model's weights are the element-wise mean
    /// of the weights at the ends of the last this-many epochs of the run (those it ran, when early stopping ended it
    /// sooner), which smooths out the last steps' noise and usually scores better than the last or the best epoch alone.
    /// It replaces <see cref="KeepBestModel"/>; with a <see cref="ValidationSet"/> the averaged model is validated once
    /// more and its metric logged. Costs one CPU copy of the weights per averaged epoch. Default 1: no averaging.</summary>
    public int AverageLastEpochs { get; set; } = 1;

    /// <summary>"cpu", "cuda" (cuda:0) or "cuda:N", case-insensitive. Default "cpu". Anything else, empty included, fails
    /// when the estimator is created; a CUDA index beyond the visible devices fails when training starts.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>When CUDA is asked for but absent: train on the CPU with a warning (true) or fail (false). Default true.</summary>
    public bool AllowCpuFallback { get; set; } = true;

    /// <summary>bf16 mixed precision: linear layers and attention in bfloat16, parameters, optimizer, LayerNorm, softmax
    /// and loss in float32. Default null: on where bf16 is measured to be the faster choice: always on CUDA GPUs (tensor
    /// cores); on the CPU when a fraction-of-a-second timing of the model's matrix products in both precisions finds bf16
    /// clearly faster (once per process and model width; the training log gives the figures; docs/training.md).
    /// true or false forces it, and makes runs with a seed reproduce across processes and machines.
    /// <see cref="UsesMixedPrecision"/> says which applies here.</summary>
    public bool? MixedPrecision { get; set; }

    /// <summary>Whether training with these options runs in bf16 mixed precision on this machine:
    /// <see cref="MixedPrecision"/> when set, else the measured choice for the <see cref="Device"/> it names and the model
    /// width of these options (a CUDA device that turns out to be absent falls back to the CPU, which then decides). On
    /// the CPU the first call for a model width measures, for a fraction of a second.</summary>
    public bool UsesMixedPrecision => Precision(TrainingDevice.RequestedType(Device)).BFloat16;

    /// <summary>The precision of a run on a device of <paramref name="type"/>, and why.</summary>
    internal PrecisionChoice Precision(TorchSharp.DeviceType type)
        => MixedPrecision is { } forced ? PrecisionChoice.Forced(forced)
            : PrecisionProbe.Choose(type, Shape.ModelDimension, Shape.FeedForwardDimension ?? 4 * Shape.ModelDimension);

    /// <summary>On CUDA: allow TF32 tensor cores for float32 matmuls. Default true.</summary>
    public bool AllowTF32 { get; set; } = true;

    /// <summary>libtorch CPU threads for the Fit, and the fitted model's <see cref="Scoring.BlockTransformerBase.ScoringThreads"/>.
    /// Default null: libtorch's own count, one per core, the fastest on an otherwise idle machine. On a machine busy with
    /// other work, fewer threads are faster (docs/training.md, "Threads"). It applies to the thread that calls Fit only,
    /// for the Fit's duration: other threads of the process keep theirs. Not saved with the model.</summary>
    public int? Threads { get; set; }

    /// <summary>Stops Fit with an <see cref="OperationCanceledException"/> when cancelled: checked before every optimizer
    /// step, while reading rows, during validation and while the Fit waits for another Fit of the process. The
    /// <c>MLContext</c> stays usable for the next Fit. Default: none.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>A folder for a checkpoint after every epoch. When it already holds one of the same run, training
    /// resumes after the last completed epoch. Default null: no checkpoints.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Called every <see cref="ProgressInterval"/> optimizer steps with the running loss, accuracy, speed and ETA.
    /// Default null.</summary>
    public Action<TrainingProgress>? OnProgress { get; set; }

    /// <summary>Called after each epoch (after its validation and checkpoint). Default null.</summary>
    public Action<EpochSummary>? OnEpochEnd { get; set; }

    /// <summary>Optimizer steps between progress reports (callback and log). Default 50.</summary>
    public int ProgressInterval { get; set; } = 50;

    /// <summary>Rows held for shuffling (the memory bound of reading). Default null: 64 batches.</summary>
    public int? ShuffleBufferRows { get; set; }

    /// <summary>Batches per length-sorting window: rows of similar length are batched together to cut padding.
    /// 1 turns it off. Default 16.</summary>
    public int BucketFactor { get; set; } = 16;

    /// <summary>Rows read ahead when the fitted model transforms a data view; they are scored in sub-batches of rows
    /// of similar length. Default 256.</summary>
    public int ScoringBlockSize { get; set; } = 256;

    /// <summary>The device a trainer trains on (<see cref="TrainingDevice.Resolve(string?, bool, Action{string})"/> of
    /// <see cref="Device"/>), with TF32 matrix products set as <see cref="AllowTF32"/> says when it is a CUDA device.</summary>
    internal TorchSharp.torch.Device ResolveDevice(Action<string> warn)
    {
        TorchSharp.torch.Device device = TrainingDevice.Resolve(Device, AllowCpuFallback, warn);
        if (device.type == TorchSharp.DeviceType.CUDA) TorchSharp.torch.backends.cuda.matmul.allow_tf32 = AllowTF32;
        return device;
    }

    /// <summary>What the run takes for the settings left unset: <see cref="TrainingDefaults.FromScratch"/> unless a trainer
    /// fine-tunes (<see cref="ForFineTuning"/>).</summary>
    internal TrainingDefaults Defaults { get; private set; } = TrainingDefaults.FromScratch;

    /// <summary>The peak learning rate of the run: <see cref="LearningRate"/>, or the defaults' when unset.</summary>
    internal double EffectiveLearningRate => LearningRate ?? Defaults.LearningRate;

    /// <summary>A copy of these options with <see cref="TrainingDefaults.FineTuning"/> for what they leave unset.</summary>
    internal TransformerTrainingOptions ForFineTuning()
    {
        var copy = (TransformerTrainingOptions)MemberwiseClone();
        copy.Defaults = TrainingDefaults.FineTuning;
        return copy;
    }

    /// <summary>A copy of these options that validates on <paramref name="validation"/> with early stopping after
    /// <paramref name="patience"/> epochs; for the trainer's own held-out slice (<see cref="HeldOutSlice"/>).</summary>
    internal TransformerTrainingOptions WithValidation(IDataView validation, int patience, bool keepBest)
    {
        var copy = (TransformerTrainingOptions)MemberwiseClone();
        (copy.ValidationSet, copy.EarlyStoppingPatience, copy.KeepBestModel) = (validation, patience, keepBest);
        return copy;
    }

    /// <summary>A copy of these options as <typeparamref name="TOptions"/> with its own <see cref="Shape"/>; other
    /// references (callbacks, validation set) are shared.</summary>
    protected TOptions CopyOf<TOptions>() where TOptions : TransformerTrainingOptions
    {
        var copy = (TOptions)MemberwiseClone();
        copy.Shape = Shape with { };
        return copy;
    }
}
