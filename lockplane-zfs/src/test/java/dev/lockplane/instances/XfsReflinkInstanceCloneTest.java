package dev.lockplane.instances;

/** Instance clones with reflinks on XFS made with {@code mkfs.xfs -m reflink=1}. */
class XfsReflinkInstanceCloneTest extends LoopReflinkContract {
  @Override
  String fsType() {
    return "xfs";
  }

  @Override
  int portBase() {
    return 46200;
  }
}
