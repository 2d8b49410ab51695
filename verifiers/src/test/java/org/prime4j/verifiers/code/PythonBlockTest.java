package org.prime4j.verifiers.code;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PythonBlockTest {

    @Test
    void takesTheLastPythonBlock() {
        String r = "First try:\n```python\nprint(1)\n```\nBetter:\n```py\nprint(2)\n```\nand output:\n```\n2\n```\n";
        assertThat(PythonBlock.extract(r)).isEqualTo("print(2)\n");
    }

    @Test
    void fallsBackToAnUnlabelledBlockThenToTheWholeResponse() {
        assertThat(PythonBlock.extract("Code:\n```\nx = 1\n```\n")).isEqualTo("x = 1\n");
        assertThat(PythonBlock.extract("    return a + b\n")).isEqualTo("    return a + b\n");
    }

    @Test
    void ignoresOtherLanguagesAndKeepsIndentation() {
        String r = "```python3\ndef f():\n    return 1\n```\n```cpp\nint main() {}\n```";
        assertThat(PythonBlock.extract(r)).isEqualTo("def f():\n    return 1\n");
    }

    @Test
    void draftsInThinkTagsDoNotCount() {
        String r = "<think>\n```python\nprint('draft')\n```\n</think>\nFinal:\n```python\nprint('final')\n```\n"
                + "<THINK>```python\nprint('late draft')\n```</THINK>";
        assertThat(PythonBlock.extract(r)).isEqualTo("print('final')\n");
    }

    @Test
    void anUnclosedFenceIsNotABlock() {
        String r = "```python\nprint(1)\n```\nthen truncated:\n```python\nprint(";
        assertThat(PythonBlock.extract(r)).isEqualTo("print(1)\n");
    }
}
