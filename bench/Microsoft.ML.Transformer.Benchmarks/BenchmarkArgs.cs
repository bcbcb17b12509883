using System.Globalization;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>A wrong command line; the message is shown with the benchmark's usage.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A sanity check of a benchmark failed (exit code 1).</summary>
internal sealed class BenchmarkFailedException(string message) : Exception(message);

/// <summary>
/// Options of one benchmark: <c>--name value</c>, <c>--name=value</c> or a bare <c>--flag</c>. Each benchmark reads
/// what it knows, then calls <see cref="ThrowIfUnread"/> so that a misspelt option fails instead of being ignored.
/// </summary>
internal sealed class BenchmarkArgs
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public static BenchmarkArgs Parse(ReadOnlySpan<string> args)
    {
        var parsed = new BenchmarkArgs();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new UsageException($"Unexpected argument '{arg}'.");
            string name = arg[2..];
            string? value = null;
            int equals = name.IndexOf('=');
            if (equals >= 0) (name, value) = (name[..equals], name[(equals + 1)..]);
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
            if (!parsed._values.TryAdd(name, value)) throw new UsageException($"Option --{name} is given twice.");
        }
        return parsed;
    }

    public string? GetString(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out string? value)) return null;
        return value ?? throw new UsageException($"Option --{name} needs a value.");
    }

    public string GetRequiredString(string name) => GetString(name) ?? throw new UsageException($"Option --{name} is required.");

    public int GetInt(string name, int defaultValue, int minimum = 1)
    {
        string? text = GetString(name);
        if (text is null) return defaultValue;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
            throw new UsageException($"Option --{name} must be an integer >= {minimum} (got '{text}').");
        return value;
    }

    public double GetDouble(string name, double defaultValue)
    {
        string? text = GetString(name);
        if (text is null) return defaultValue;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"Option --{name} must be a number (got '{text}').");
    }

    public bool GetFlag(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out string? value)) return false;
        return value is null ? true : throw new UsageException($"Option --{name} takes no value (got '{value}').");
    }

    public void ThrowIfUnread()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).Select(k => "--" + k).ToList();
        if (unknown.Count > 0) throw new UsageException($"Unknown option(s): {string.Join(", ", unknown)}.");
    }
}
