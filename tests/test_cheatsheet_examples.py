"""The cheat sheet's sections 4 (inspecting layers) and 5 (hidden features, t-SNE) run."""

import importlib.util
import pathlib

import numpy as np
import pytest

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_inspect_prints_summary_and_each_layer(capsys):
    model = _load("cheatsheet_inspect").main()
    out = capsys.readouterr().out
    assert out.startswith('Model: "digits_classifier"\n')
    assert "Total params: 2,410 (9.41 KB)" in out
    assert "Trainable params: 2,410 (9.41 KB)" in out
    assert "shape=(None, 64)" in out  # model.input
    assert "shape=(None, 10)" in out.split("\n")[-2]  # model.output, printed last
    names = [layer.name for layer in model.layers]
    assert names == ["hidden", "dropout", "output"]
    separator = "---" * 25
    assert out.count(separator) == len(names)
    for name in names:
        # the name and `layer.trainable`, then the config, each layer after a separator
        assert f"{name} True\n{{'name': '{name}', 'trainable': True" in out
    assert f"{separator}dropout True" in out


def test_inspect_reports_frozen_layers(capsys):
    module = _load("cheatsheet_inspect")
    model = module.build_model(64, 10)
    model.get_layer("hidden").trainable = False
    for layer in model.layers:
        print(layer.name, layer.trainable)
        print(layer.get_config(), end="\n{}".format("---" * 25))
    model.summary()
    out = capsys.readouterr().out
    assert "hidden False\n{'name': 'hidden', 'trainable': False" in out
    assert "Non-trainable params: 2,080 (8.12 KB)" in out


@pytest.fixture(scope="module")
def features_run(tmp_path_factory):
    png = tmp_path_factory.mktemp("tsne") / "tsne.png"
    return _load("cheatsheet_features").main(png_path=str(png), n_points=300)


def test_three_ways_give_the_same_hidden_features(features_run):
    truncated, functional, backend = features_run["features"]
    X = features_run["X"]
    assert truncated.shape == functional.shape == backend.shape == (len(X), 32)
    np.testing.assert_allclose(functional, truncated, rtol=0, atol=1e-6)
    np.testing.assert_allclose(backend, truncated, rtol=0, atol=1e-6)
    assert np.all(truncated >= 0) and truncated.std() > 0  # relu features, not all zero


def test_hidden_features_match_numpy(features_run):
    model, X, k = features_run["model"], features_run["X"], features_run["k"]
    assert [layer.name for layer in model.layers[:k + 1]] == ["dense_in", "dropout", "hidden"]
    w_in, b_in = model.get_layer("dense_in").get_weights()
    w_hidden, b_hidden = model.get_layer("hidden").get_weights()
    first = np.maximum(X.astype("float64") @ w_in + b_in, 0)  # dropout: identity at test time
    expected = np.maximum(first @ w_hidden + b_hidden, 0)
    for feat in features_run["features"]:
        np.testing.assert_allclose(feat, expected, rtol=1e-5, atol=1e-5)


def test_tsne_picture_is_saved(features_run, capsys):
    import matplotlib.image

    assert features_run["tsne"].shape == (300, 2)
    assert np.all(np.isfinite(features_run["tsne"]))
    png = pathlib.Path(features_run["png_path"])
    assert png.is_file() and png.suffix == ".png"
    pixels = matplotlib.image.imread(str(png))
    assert pixels.ndim == 3 and pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert pixels[..., :3].std() > 0
    # Colours of the scatter, not only the black and white of axes and text.
    rgb = pixels[..., :3].reshape(-1, 3)
    assert np.sum(np.ptp(rgb, axis=1) > 0.3) > 100


def test_features_default_png_goes_to_a_temp_dir(monkeypatch, tmp_path):
    module = _load("cheatsheet_features")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    result = module.main(n_points=100)
    assert pathlib.Path(result["png_path"]).is_file()
    assert pathlib.Path(result["png_path"]).is_relative_to(tmp_path)
