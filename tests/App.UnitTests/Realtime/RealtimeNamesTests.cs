using System.Text.RegularExpressions;
using App.Realtime;

namespace App.UnitTests.Realtime;

/// <summary>Event names and topics are checked by hand-written loops (they run on every publish); these pin them to
/// the patterns they document.</summary>
public class RealtimeNamesTests
{
    [Theory]
    [InlineData("projects.project.changed", true)]
    [InlineData("demo.ping", true)]
    [InlineData("a.b", true)]
    [InlineData("jobs.job-1.progress2", true)]
    [InlineData("realtime.missed", true)]
    [InlineData("demo", false)]              // one segment
    [InlineData("", false)]
    [InlineData(".demo.ping", false)]
    [InlineData("demo.ping.", false)]
    [InlineData("demo..ping", false)]
    [InlineData("Demo.ping", false)]         // upper case
    [InlineData("demo.1ping", false)]        // a segment starts with a letter
    [InlineData("demo.-ping", false)]
    [InlineData("demo.ping\n", false)]       // the regex's $ would have let a trailing newline through
    [InlineData("demo.pi ng", false)]
    [InlineData("demo.píng", false)]
    [InlineData("*", false)]
    public void Event_names_are_dotted_lowercase_segments(string name, bool valid)
    {
        Assert.Equal(valid, RealtimeEventNames.IsValid(name));
        if (!name.EndsWith('\n')) Assert.Equal(Regex.IsMatch(name, @"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$"), valid);
    }

    [Fact]
    public void Event_names_have_a_length_limit()
    {
        var longest = "a." + new string('b', RealtimeEventNames.MaxLength - 2);
        Assert.True(RealtimeEventNames.IsValid(longest));
        Assert.False(RealtimeEventNames.IsValid(longest + "c"));
        Assert.False(RealtimeEventNames.IsValid(null));
    }

    [Theory]
    [InlineData("global", true)]
    [InlineData("user:42", true)]
    [InlineData("workspace:5b0e6c1e-0c4e-4a57-9f43-2f7f9bbd3a10", true)]
    [InlineData("job-run:a:b", true)]        // a colon after the first id char is allowed
    [InlineData("user:Ünïcode", true)]
    [InlineData("user:", false)]
    [InlineData("user::1", false)]
    [InlineData(":1", false)]
    [InlineData("User:1", false)]
    [InlineData("user 1", false)]
    [InlineData("user:1 2", false)]
    [InlineData("user:1\t", false)]
    [InlineData("user:1\u00a0", false)]      // Unicode whitespace too
    [InlineData("user:1\n", false)]
    [InlineData("1user:1", false)]
    [InlineData("globals", false)]
    [InlineData("", false)]
    public void Topics_are_global_or_kind_and_id(string topic, bool valid)
    {
        Assert.Equal(valid, RealtimeTopics.IsValid(topic));
        if (!topic.EndsWith('\n')) Assert.Equal(topic == "global" || Regex.IsMatch(topic, @"^[a-z][a-z0-9-]*:[^\s:][^\s]*$"), valid);
    }

    [Fact]
    public void Topics_have_a_length_limit()
    {
        Assert.True(RealtimeTopics.IsValid("user:" + new string('x', 507)));
        Assert.False(RealtimeTopics.IsValid("user:" + new string('x', 508)));
        Assert.False(RealtimeTopics.IsValid(null));
    }
}
