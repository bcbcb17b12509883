using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer.Tests.Evaluation;

/// <summary>Levenshtein distance on textbook cases, both argument orders, and rows long enough to be rented.</summary>
public class EditDistanceTests
{
    [Theory]
    [InlineData("kitten", "sitting", 3)]   // k→s, e→i, +g
    [InlineData("flaw", "lawn", 2)]        // −f, +n
    [InlineData("intention", "execution", 5)]
    [InlineData("abc", "abc", 0)]
    [InlineData("abc", "", 3)]
    [InlineData("", "", 0)]
    [InlineData("a", "b", 1)]
    [InlineData("ab", "ba", 2)]            // no transpositions in Levenshtein distance
    public void CharactersGiveTheTextbookDistanceInEitherOrder(string first, string second, int expected)
    {
        Assert.Equal(expected, EditDistance.Compute<char>(first, second));
        Assert.Equal(expected, EditDistance.Compute<char>(second, first));
    }

    [Fact]
    public void TokensAreComparedWhole()
    {
        string[] reference = ["the", "cat", "sat", "on", "the", "mat"];
        string[] hypothesis = ["the", "cat", "sit", "on", "mat"];     // one substitution, one deletion
        Assert.Equal(2, EditDistance.Compute<string>(hypothesis, reference));
        Assert.Equal(6, EditDistance.Compute<string>([], reference));
        Assert.Equal(1, EditDistance.Compute<string>(["cats"], ["cat"]));
    }

    [Fact]
    public void LongSequencesUseARentedRowAndGiveTheSameDistance()
    {
        int[] reference = Enumerable.Range(0, 1000).ToArray();
        int[] hypothesis = reference.Select(t => t % 100 == 7 ? -t : t).Where(t => t != 500).Append(5000).ToArray();
        // 10 substitutions, one deletion, one insertion
        Assert.Equal(12, EditDistance.Compute<int>(hypothesis, reference));
        Assert.Equal(12, EditDistance.Compute<int>(reference, hypothesis));
        Assert.Equal(1000, EditDistance.Compute<int>(reference, []));
        Assert.Equal(1000, EditDistance.Compute<int>(reference, reference.Select(t => -t - 1).ToArray()));
    }
}
