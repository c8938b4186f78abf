"""`Sequence`: a dataset of batches, indexable, for `fit`, `evaluate` and `predict`."""


class Sequence:
    """A dataset that hands out whole batches: implement `__len__` (batches per
    epoch) and `__getitem__(index)` returning `(x, y)` or `(x, y, sample_weight)`
    (just `x` for `predict`). `on_epoch_end` runs after every epoch.

    Unlike a generator, a Sequence can be replayed every epoch without
    `steps_per_epoch`.
    """

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]
