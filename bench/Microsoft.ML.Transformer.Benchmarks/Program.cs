using Microsoft.ML.Transformer.Benchmarks;

// Timed harnesses (BenchmarkDotNet suits micro-benchmarks; these are end-to-end runs).
//   dotnet run --project bench/Microsoft.ML.Transformer.Benchmarks -c Release -- <benchmark> [options]
// Each benchmark prints human-readable lines, then one JSON line as its last line of output.

var benchmarks = new Dictionary<string, (string Usage, Func<BenchmarkArgs, int> Run)>(StringComparer.Ordinal)
{
    ["tokenizer"] = (TokenizerBenchmark.Usage, TokenizerBenchmark.Run),
    ["encoder-layer"] = (EncoderLayerBenchmark.Usage, EncoderLayerBenchmark.Run),
    ["classifier-train"] = (ClassifierTrainBenchmark.Usage, ClassifierTrainBenchmark.Run),
    ["mixed-precision"] = (MixedPrecisionBenchmark.Usage, MixedPrecisionBenchmark.Run),
    ["classifier-score"] = (ClassifierScoreBenchmark.Usage, ClassifierScoreBenchmark.Run),
    ["classifier-memory"] = (ClassifierMemoryBenchmark.Usage, ClassifierMemoryBenchmark.Run),
    ["seq2seq-train"] = (Seq2SeqTrainBenchmark.Usage, Seq2SeqTrainBenchmark.Run),
    ["seq2seq-profile"] = (Seq2SeqProfileBenchmark.Usage, Seq2SeqProfileBenchmark.Run),
    ["seq2seq-decode"] = (Seq2SeqDecodeBenchmark.Usage, Seq2SeqDecodeBenchmark.Run),
    ["seq2seq-beam"] = (Seq2SeqBeamBenchmark.Usage, Seq2SeqBeamBenchmark.Run),
    ["seq2seq-attention"] = (Seq2SeqAttentionBenchmark.Usage, Seq2SeqAttentionBenchmark.Run),
    ["lm-train"] = (LanguageModelTrainBenchmark.Usage, LanguageModelTrainBenchmark.Run),
    ["pretrain-train"] = (PretrainTrainBenchmark.Usage, PretrainTrainBenchmark.Run),
    ["lm-generate"] = (LanguageModelGenerateBenchmark.Usage, LanguageModelGenerateBenchmark.Run),
    ["encoder-check"] = (EncoderCheckBenchmark.Usage, EncoderCheckBenchmark.Run),
    ["denormals"] = (DenormalBenchmark.Usage, DenormalBenchmark.Run),
    ["gpu-check"] = (GpuCheckBenchmark.Usage, GpuCheckBenchmark.Run),
};

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    PrintUsage(Console.Out);
    return args.Length == 0 ? 2 : 0;
}
if (!benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine($"Unknown benchmark '{args[0]}'.");
    PrintUsage(Console.Error);
    return 2;
}
if (args.Skip(1).Any(a => a is "-h" or "--help"))
{
    Console.WriteLine(benchmark.Usage);
    return 0;
}

// Before any matrix product, as the library does before its own: MKL's kernels by instruction set on any vendor's CPU,
// so that raw loops and GEMM rates run on the kernels the library's paths get (MLTRANSFORMER_MKL_VENDOR_CHECK=0: off).
Microsoft.ML.Transformer.Compute.MklVendorCheck.Apply();
try
{
    return benchmark.Run(BenchmarkArgs.Parse(args.AsSpan(1)));
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(benchmark.Usage);
    return 2;
}
catch (BenchmarkFailedException e)
{
    Console.Error.WriteLine($"FAIL: {e.Message}");
    return 1;
}

void PrintUsage(TextWriter writer)
{
    writer.WriteLine("Usage: Microsoft.ML.Transformer.Benchmarks <benchmark> [options]   (<benchmark> --help for its options)");
    writer.WriteLine();
    foreach (var (name, (usage, _)) in benchmarks) writer.WriteLine(usage);
}
