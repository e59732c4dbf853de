package dev.lockplane.instances;

/** Instance clones with reflinks on btrfs. */
class BtrfsReflinkInstanceCloneTest extends LoopReflinkContract {
  @Override
  String fsType() {
    return "btrfs";
  }

  @Override
  int portBase() {
    return 46300;
  }
}
