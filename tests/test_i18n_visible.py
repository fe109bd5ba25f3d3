"""Known mistakes as the visible `check()` shows them, word for word, in Korean and in English
(tests/test_i18n_mistakes.py checks every mistake's Korean; these read a few of them whole)."""
from gradelib import mutate, notebook_namespace, solution
from mutants import SPIRAL
from test_assignment_blocks import MUTANTS as BLOCKS
from test_assignment_gradients import MUTANTS as GRADIENTS
from test_assignment_model_selection import MUTANTS as MODEL_SELECTION
from test_i18n_messages import HANGUL, KOREAN, language, shown



def test_visible_blocks_mistake_in_korean():
    mutant = next(m for m in BLOCKS if m.name == "constant_sets_biases")
    namespace = notebook_namespace(mutate("blocks", mutant.edits))
    with language("ko"):
        text, html = shown(["Constant"], namespace)
    assert "constant.values: Constant(-1.5): 편향의 값이" in text, text
    assert "힌트: Constant는 가중치를 정하고, 편향(1차원)은 0이 됩니다" in text and "<b>힌트:</b>" in html
    with language("en"):
        text, _ = shown(["Constant"], namespace)
    assert "hint: Constant sets the weights; the biases (1-D) become zero" in text and not HANGUL.search(text)


def test_visible_to_gpu_note_in_korean():
    """Without CuPy the solution's to_gpu passes, with a note whose hint is in the kernel's language."""
    with language("ko"):
        text, _ = shown(["to_gpu"], notebook_namespace(solution("blocks")))
    assert "to_gpu.moves_or_fails_loudly: 통과" in text and "힌트: CuPy와 GPU가 없을 때 해야 하는 대로" in text, text


def test_visible_gradients_mistake_in_korean():
    mutant = next(m for m in GRADIENTS if m.name == "sse_without_half")
    namespace = notebook_namespace(mutate("gradients", mutant.edits))
    with language("ko"):
        text, html = shown(["sum_squared_error"], namespace)
    hint = KOREAN.gettext("the factor 1/2 is missing: E = 0.5 * sum((y - t)**2)")
    assert "sum_squared_error.book_example: 책의 예제에 대한 sum_squared_error(" in text
    assert f"힌트: {hint}" in text and "<b>힌트:</b>" in html
    with language("en"):
        text, _ = shown(["sum_squared_error"], namespace)
    assert "sum_squared_error on the book's example (2 most likely, correct class 2)" in text
    assert "the factor 1/2 is missing" in text and not HANGUL.search(text)


def test_visible_spiral_mistake_in_korean():
    mutant = next(m for m in SPIRAL if m.name == "weights_not_scaled")
    namespace = notebook_namespace(mutate("spiral", mutant.edits))
    with language("ko"):
        text, html = shown(["TwoLayerNet"], namespace)
    assert "two_layer_net.init: np.random.seed(0) 다음에 만든 TwoLayerNet(2, 10, 3)의 params[0](W1)의 값이" in text, text
    assert "힌트: 가중치의 크기를 줄이세요: W1 = 0.01 * np.random.randn(2, 10)" in text and "<b>힌트:</b>" in html
    with language("en"):
        text, _ = shown(["TwoLayerNet"], namespace)
    assert "hint: scale the weights: W1 = 0.01 * np.random.randn(2, 10)" in text and not HANGUL.search(text)


def test_visible_model_selection_mistake_in_korean():
    """A split that does not shuffle: the visible check's message names the call in Korean, and
    the hint is the Korean one."""
    mutant = next(m for m in MODEL_SELECTION if m.name == "split_not_shuffled")
    namespace = notebook_namespace(mutate("model_selection", mutant.edits))
    with language("ko"):
        text, html = shown(["train_valid_split"], namespace)
    assert "예제 20개에 대한 train_valid_split(X, y, 0.25, seed=0): 검증용 부분이 처음 또는 마지막 5개 행을 원래 " \
           "순서 그대로 담고 있습니다" in text
    assert "힌트: 먼저 행을 섞으세요: order = np.random.default_rng(seed).permutation(n)" in text
    assert "<b>힌트:</b>" in html
    with language("en"):
        text, html = shown(["train_valid_split"], namespace)
    assert "train_valid_split(X, y, 0.25, seed=0) with 20 examples: the validation part is the first or last 5" in text
    assert "hint: shuffle the rows first" in text
